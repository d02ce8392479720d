package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.Providers;
import dev.migrate.secret.Redactor;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider block: addresses without DNS, algorithms, secrets, modes, timeouts. No server needed. */
class Rfc2136SettingsTest {
    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";

    @TempDir
    Path dir;

    Map<String, String> env = new HashMap<>();

    Rfc2136Settings settings(Map<String, Object> s) throws ProviderException {
        return Rfc2136Settings.from(new ProviderConfig("rfc2136", s, dir, env::get, Clock.systemUTC()));
    }

    Map<String, Object> block(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void serverIsAnIpLiteralWithAnOptionalPortAndNeverLookedUp() {
        assertThat(ServerAddress.parse("127.0.0.1:5301")).isEqualTo(new InetSocketAddress("127.0.0.1", 5301));
        assertThat(ServerAddress.parse("192.0.2.53").getPort()).isEqualTo(53);
        assertThat(ServerAddress.parse("::1").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(ServerAddress.parse("[2001:db8::53]:5301").getPort()).isEqualTo(5301);
        assertThat(ServerAddress.show(ServerAddress.parse("[::1]:53"))).isEqualTo("[::1]:53");
        assertThatThrownBy(() -> ServerAddress.parse("ns1.example.com:53"))
                .hasMessageContaining("not an IP address").hasMessageContaining("not looked up");
        assertThatThrownBy(() -> ServerAddress.parse("localhost")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ServerAddress.parse("127.0.0.1:0")).hasMessageContaining("not a port");
        assertThatThrownBy(() -> ServerAddress.parse("127.0.0.1:http")).hasMessageContaining("not a port");
    }

    @Test
    void defaultsAreAxfrAndFiveSecondsAndUnsigned() throws Exception {
        Rfc2136Settings s = settings(block("server", "127.0.0.1"));
        assertThat(s.read()).isEqualTo(Rfc2136Settings.ReadMode.AXFR);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.transferTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.tsig()).isNull();
    }

    @Test
    void readsTheSecretFromAFileOrAVariableAndNeverShowsIt() throws Exception {
        Files.writeString(dir.resolve("k.secret"), SECRET + "\n");
        Rfc2136Settings s = settings(block("server", "127.0.0.1:53", "read", "query", "timeout", "3s",
                "tsig", block("name", "migrate-key", "algorithm", "HMAC-SHA512", "secretFile", "k.secret")));
        assertThat(s.tsig().algorithm()).isEqualTo("hmac-sha512");
        assertThat(s.tsig().secret().reveal()).isEqualTo(SECRET);
        assertThat(s.tsig().toString()).doesNotContain(SECRET);
        assertThat(Redactor.global().redact("x " + SECRET)).isEqualTo("x ***");
        assertThat(s.read()).isEqualTo(Rfc2136Settings.ReadMode.QUERY);

        env.put("MIGRATE_TSIG", SECRET);
        assertThat(settings(block("server", "127.0.0.1", "tsig", block("name", "k", "secretEnv", "MIGRATE_TSIG")))
                .tsig().algorithm()).isEqualTo("hmac-sha256");
    }

    @Test
    void takesTheSecretOutOfABindKeyFile() throws Exception {
        Files.writeString(dir.resolve("k.key"), "key \"migrate-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n");
        Rfc2136Settings s = settings(block("server", "127.0.0.1",
                "tsig", block("name", "migrate-key", "secretFile", "k.key")));
        assertThat(s.tsig().secret().reveal()).isEqualTo(SECRET);
        assertThat(s.tsig().toTsig()).isNotNull();
    }

    @Test
    void md5OnlyWhenNamedAndOtherAlgorithmsNever() throws Exception {
        env.put("K", SECRET);
        assertThat(settings(block("server", "127.0.0.1", "tsig", block("name", "k", "algorithm", "hmac-md5", "secretEnv", "K")))
                .tsig().algorithm()).isEqualTo("hmac-md5");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1",
                "tsig", block("name", "k", "algorithm", "hmac-sha1", "secretEnv", "K"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining("hmac-sha1").hasMessageContaining("hmac-sha256");
    }

    @Test
    void mistakesAreInvalidAndNameWhatToFixWithoutTheSecret() throws Exception {
        env.put("K", SECRET);
        env.put("NOT_BASE64", "this is not base64 at all!");
        assertThatThrownBy(() -> settings(block("server", "ns1.example.com")))
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "read", "ixfr")))
                .hasMessageContaining("axfr, query");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "timeout", "0s")))
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "tsig", "migrate-key")))
                .hasMessageContaining("must be a block");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "tsig", block("secretEnv", "K"))))
                .hasMessageContaining("'name' is missing");
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "tsig", block("name", "k", "secret", SECRET))))
                .hasMessageContaining("unknown key 'secret'").satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "tsig", block("name", "k", "secretEnv", "NOT_BASE64"))))
                .hasMessageContaining("environment variable NOT_BASE64").hasMessageContaining("not base64")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("this is not base64 at all"));
        assertThatThrownBy(() -> settings(block("server", "127.0.0.1", "tsig", block("name", "k", "secretEnv", "UNSET"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("UNSET");
        assertThatThrownBy(() -> settings(block())).hasMessageContaining("needs 'server'");
    }

    @Test
    void theFactoryIsFoundByTypeAndListsExactlyTheIssuesKeys() {
        var f = Providers.discover(null).find("rfc2136").orElseThrow();
        assertThat(f.keys()).containsExactlyInAnyOrder("server", "tsig", "read", "timeout");
        assertThat(f.capabilities().atomicBatch()).isTrue();
        assertThat(f.capabilities().compareAndSet()).isTrue();
        assertThat(f.capabilities().maxBatch()).isEqualTo(Rfc2136Provider.MAX_BATCH);
    }
}
