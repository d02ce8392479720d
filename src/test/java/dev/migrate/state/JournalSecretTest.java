package dev.migrate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.secret.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No journal line ever holds a loaded secret, and loading one never prints it in an error. */
class JournalSecretTest {
    static final String VALUE = "s3cr3t-value-123456";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T02:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Journal journal() throws Exception {
        return Journal.open(dir.resolve("state"), CLOCK);
    }

    String file() throws Exception {
        return Files.readString(dir.resolve("state/journal.jsonl"));
    }

    @Test
    void aSecretInAnEventsInfoIsRedacted() throws Exception {
        Secret s = Secret.of(VALUE, "test");
        Journal j = journal();
        j.append(Event.PHASE_FAILED, "swap", Map.of("reason", "provider said: bad token " + VALUE + " for zone"));
        String text = file();
        assertThat(text).doesNotContain(VALUE).contains("bad token *** for zone");
        assertThat(s.toString()).isEqualTo("***");
        // the redacted line still reads back as an event
        Event e = j.events().get(0);
        assertThat(e.info("reason")).isEqualTo("provider said: bad token *** for zone");
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/journal.jsonl")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aSecretInRecordDataIsRedacted() throws Exception {
        Secret.of(VALUE, "test");
        RRset before = new RRset("_acme.example.com.", "TXT", 300, List.of("\"old\""));
        RRset after = new RRset("_acme.example.com.", "TXT", 300, List.of("\"token=" + VALUE + "\""));
        journal().append(Event.INTENT, "swap", "swap#1", "example.com.",
                List.of(RRsetChange.of("example.com.", before, after)), Map.of());
        assertThat(file()).doesNotContain(VALUE).contains("token=***");
    }

    @Test
    void aSecretWithCharactersJsonEscapesIsRedactedToo() throws Exception {
        // a password with a quote and a backslash: in JSON it reads pa\"ss\\w0rd-..., not the raw text
        String odd = "pa\"ss\\w0rd-7788";
        Secret.of(odd, "test");
        journal().append(Event.PHASE_FAILED, "swap", Map.of("reason", "login with " + odd + " refused"));
        journal().append(Event.INTENT, "swap", "swap#1", "example.com.", List.of(RRsetChange.of("example.com.", null,
                new RRset("t.example.com.", "TXT", 60, List.of("\"" + odd.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")))), Map.of());
        String text = file();
        assertThat(text).doesNotContain(odd);
        assertThat(text).doesNotContain("pa\\\"ss\\\\w0rd-7788"); // the JSON-escaped form
        assertThat(text).doesNotContain("w0rd-7788");
        assertThat(text).contains("login with *** refused");
    }

    // ---------------------------------------------------------------- loading secrets

    ProviderConfig config(Map<String, String> env) {
        return new ProviderConfig("test", Map.of(), dir, env::get, CLOCK);
    }

    static Map<String, Object> block(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void secretFromEnvironmentOrFileLoadsAndNeverPrints() throws Exception {
        Secret fromEnv = config(Map.of("MIGRATE_TEST_TOKEN", "env-token-value-abcdef"))
                .secret(block("tokenEnv", "MIGRATE_TEST_TOKEN"), "token", "API token");
        assertThat(fromEnv.reveal()).isEqualTo("env-token-value-abcdef");
        assertThat(fromEnv.toString()).isEqualTo("***").doesNotContain("env-token");
        assertThat(fromEnv.origin()).contains("MIGRATE_TEST_TOKEN").doesNotContain("env-token-value");

        Files.writeString(dir.resolve("token.txt"), "file-token-value-ghijkl\n");
        Secret fromFile = config(Map.of()).secret(block("tokenFile", "token.txt"), "token", "API token");
        assertThat(fromFile.reveal()).isEqualTo("file-token-value-ghijkl");
        assertThat(fromFile.origin()).doesNotContain("file-token-value");
    }

    @Test
    void errorsLoadingASecretNameWhereItComesFromButNeverItsValue() throws Exception {
        String envValue = "env-secret-never-printed-1";
        String fileValue = "file-secret-never-printed-2";
        Files.writeString(dir.resolve("secret.txt"), fileValue);
        Files.writeString(dir.resolve("empty.txt"), "  \n");
        Files.createDirectories(dir.resolve("a-directory"));
        ProviderConfig c = config(Map.of("SET_VAR", envValue, "BLANK_VAR", "   "));

        List<Map<String, Object>> bad = List.of(
                block("tsigSecretEnv", "SET_VAR", "tsigSecretFile", "secret.txt"), // both
                block("tsigSecretEnv", "UNSET_VAR"),
                block("tsigSecretEnv", "BLANK_VAR"),
                block("tsigSecretFile", "missing.txt"),
                block("tsigSecretFile", "empty.txt"),
                block("tsigSecretFile", "a-directory"),
                block());
        for (Map<String, Object> b : bad) {
            assertThatThrownBy(() -> c.secret(b, "tsigSecret", "TSIG key web"))
                    .as("%s", b)
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("TSIG key web")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(envValue).doesNotContain(fileValue)
                            .doesNotContain("never-printed"));
        }
        assertThatThrownBy(() -> c.secret(block("tsigSecretEnv", "UNSET_VAR"), "tsigSecret", "TSIG key web"))
                .hasMessageContaining("UNSET_VAR");
        assertThatThrownBy(() -> c.secret(block("tsigSecretFile", "missing.txt"), "tsigSecret", "TSIG key web"))
                .hasMessageContaining("missing.txt");
    }
}
