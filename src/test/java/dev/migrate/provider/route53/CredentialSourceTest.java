package dev.migrate.provider.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.secret.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the route53 adapter's credentials come from, and that their secrets are never printed. */
class CredentialSourceTest {
    @TempDir
    Path dir;

    static Route53Settings settings(Map<String, Object> s) throws ProviderException {
        return Route53Settings.parse(s);
    }

    @Test
    void theEnvironmentGivesKeysAndASessionToken() throws Exception {
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "env-secret-key-123456",
                "AWS_SESSION_TOKEN", "env-session-token-abcdef");
        AwsCredentials c = CredentialSource.from(settings(Map.of()), dir, env::get, Duration.ofSeconds(5),
                Clock.systemUTC()).current();
        assertThat(c.accessKeyId()).isEqualTo("AKIDENV");
        assertThat(c.secretAccessKey().reveal()).isEqualTo("env-secret-key-123456");
        assertThat(c.sessionToken().reveal()).isEqualTo("env-session-token-abcdef");
        assertThat(c.origin()).contains("AWS_SESSION_TOKEN");
        assertThat(Redactor.global().redact("x env-secret-key-123456 y env-session-token-abcdef")).isEqualTo("x *** y ***");
        assertThat(c.toString()).doesNotContain("env-secret");
    }

    @Test
    void withoutCredentialsTheErrorSaysWhereTheyMayComeFrom() {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> CredentialSource.from(settings(Map.of()),
                dir, k -> null, Duration.ofSeconds(5), Clock.systemUTC()));
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "credentialsFile", "profile");
    }

    @Test
    void aProfileOfTheSharedCredentialsFileIsRead() throws Exception {
        Files.writeString(dir.resolve("creds"), """
                [default]
                aws_access_key_id = AKIDDEFAULT
                aws_secret_access_key = default-secret-0000

                ; a comment
                [profile cutover]
                aws_access_key_id=AKIDCUTOVER
                aws_secret_access_key=cutover-secret-1111
                aws_session_token = cutover-token-2222
                """);
        AwsCredentials c = CredentialSource.from(settings(Map.of("credentialsFile", "creds", "profile", "cutover")), dir,
                k -> null, Duration.ofSeconds(5), Clock.systemUTC()).current();
        assertThat(c.accessKeyId()).isEqualTo("AKIDCUTOVER");
        assertThat(c.sessionToken().reveal()).isEqualTo("cutover-token-2222");
        assertThat(c.origin()).isEqualTo("profile cutover of " + dir.resolve("creds"));

        AwsCredentials d = CredentialSource.from(settings(Map.of("credentialsFile", "creds")), dir, k -> null,
                Duration.ofSeconds(5), Clock.systemUTC()).current();
        assertThat(d.accessKeyId()).isEqualTo("AKIDDEFAULT");

        ProviderException missing = catchThrowableOfType(ProviderException.class, () -> CredentialSource.from(
                settings(Map.of("credentialsFile", "creds", "profile", "nope")), dir, k -> null, Duration.ofSeconds(5),
                Clock.systemUTC()));
        assertThat(missing.getMessage()).contains("no profile nope", "default, cutover").doesNotContain("secret-");

        ProviderException noFile = catchThrowableOfType(ProviderException.class, () -> CredentialSource.from(
                settings(Map.of("profile", "cutover")), dir, k -> null, Duration.ofSeconds(5), Clock.systemUTC()));
        assertThat(noFile.getMessage()).contains("credentialsFile");
    }

    /** A credential_process as the AWS CLI documents it: JSON Version 1 on standard output. */
    Path script(String body) throws Exception {
        Path s = dir.resolve("cred-helper.sh");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    @Test
    void aCredentialProcessIsRunAndFetchedAgainBeforeItsCredentialsExpire() throws Exception {
        Path counter = dir.resolve("runs");
        Path helper = script("""
                echo run >> "%s"
                printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret-3333",\\n'
                printf ' "SessionToken": "process-token-4444", "Expiration": "2030-01-01T01:00:00Z"}\\n'
                """.formatted(counter));
        Files.writeString(dir.resolve("creds"), "[sso]\ncredential_process = \"" + helper + "\" --profile 'a b'\n");
        Instant[] now = {Instant.parse("2030-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId z) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        CredentialSource src = CredentialSource.from(settings(Map.of("credentialsFile", "creds", "profile", "sso")), dir,
                k -> null, Duration.ofSeconds(10), clock);
        AwsCredentials c = src.current();
        assertThat(c.accessKeyId()).isEqualTo("AKIDPROCESS");
        assertThat(c.sessionToken().reveal()).isEqualTo("process-token-4444");
        assertThat(c.expiration()).isEqualTo(Instant.parse("2030-01-01T01:00:00Z"));
        assertThat(src.current()).isSameAs(c);
        assertThat(Files.readAllLines(counter)).hasSize(1);

        now[0] = Instant.parse("2030-01-01T00:56:00Z"); // within five minutes of expiry: fetched again
        src.current();
        assertThat(Files.readAllLines(counter)).hasSize(2);

        now[0] = Instant.parse("2030-01-01T02:00:00Z"); // the helper hands out what has expired: refused
        ProviderException e = catchThrowableOfType(ProviderException.class, src::current);
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).contains("expired").doesNotContain("process-secret");
    }

    @Test
    void aFailingCredentialProcessSaysWhatItSaidButNeverWhatItPrinted() throws Exception {
        Path helper = script("echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leaked-5555\"}'\n"
                + "echo 'token expired, run: sso login' >&2\nexit 3");
        Files.writeString(dir.resolve("creds"), "[sso]\ncredential_process = " + helper + "\n");
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> CredentialSource.from(
                settings(Map.of("credentialsFile", "creds", "profile", "sso")), dir, k -> null, Duration.ofSeconds(10),
                Clock.systemUTC()));
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).contains("exited 3", "token expired, run: sso login").doesNotContain("leaked-5555");

        Path garbage = script("echo 'not json'");
        Files.writeString(dir.resolve("creds"), "[sso]\ncredential_process = " + garbage + "\n");
        ProviderException g = catchThrowableOfType(ProviderException.class, () -> CredentialSource.from(
                settings(Map.of("credentialsFile", "creds", "profile", "sso")), dir, k -> null, Duration.ofSeconds(10),
                Clock.systemUTC()));
        assertThat(g.getMessage()).contains("did not print a JSON object");
    }

    @Test
    void aCredentialProcessIsSplitIntoWordsLikeAShellWithoutRunningOne() {
        assertThat(CredentialSource.words("/usr/bin/helper --a 'b c' \"d \\\"e\\\"\" f\\ g $HOME"))
                .containsExactly("/usr/bin/helper", "--a", "b c", "d \"e\"", "f g", "$HOME");
    }

    @Test
    void everyBadSettingIsNamedWithItsKey() {
        Map<String, Object> s = new HashMap<>();
        s.put("hostedZones", Map.of("example.com", "not an id", "bad..name", "Z1"));
        s.put("endpoint", "http://route53.example.net");
        s.put("region", "Europe");
        s.put("timeout", "soon");
        s.put("syncTimeout", "0s");
        s.put("profile", "has space");
        List<String> problems = Route53Settings.check(s).stream().map(p -> String.join(".", p.path()) + ": " + p.message()).toList();
        assertThat(problems).hasSize(7);
        assertThat(problems).anyMatch(p -> p.startsWith("hostedZones.example.com: 'not an id' is not a hosted zone id"))
                .anyMatch(p -> p.startsWith("hostedZones.bad..name: 'bad..name' is not a zone name"))
                .anyMatch(p -> p.startsWith("endpoint: ") && p.contains("plain http to a host that is not loopback"))
                .anyMatch(p -> p.startsWith("region: 'Europe' is not an AWS region"))
                .anyMatch(p -> p.startsWith("timeout: 'soon' is not a duration"))
                .anyMatch(p -> p.startsWith("syncTimeout: must be longer than 0s"))
                .anyMatch(p -> p.startsWith("profile: 'has space' is not a profile name"));
        assertThat(Route53Settings.check(Map.of("hostedZones", "Z1"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("expected a mapping"));
        assertThat(Route53Settings.check(Map.of("hostedZones", Map.of("example.com", "/hostedzone/Z1D633PJN98FT9"),
                "endpoint", "http://127.0.0.1:8053", "region", "eu-west-1", "timeout", "10s", "syncTimeout", "5m"))).isEmpty();
    }

    @Test
    void theSigningRegionFollowsThePartitionOfTheEndpoint() throws Exception {
        assertThat(settings(Map.of()).region()).isEqualTo("us-east-1");
        assertThat(settings(Map.of("endpoint", "https://route53.amazonaws.com.cn")).region()).isEqualTo("cn-northwest-1");
        assertThat(settings(Map.of("endpoint", "https://route53.us-gov.amazonaws.com")).region()).isEqualTo("us-gov-west-1");
        assertThat(settings(Map.of("endpoint", "https://route53.amazonaws.com.cn", "region", "cn-north-1")).region())
                .isEqualTo("cn-north-1");
    }
}
