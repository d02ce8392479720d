package dev.migrate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.cloudflare.CloudflareProvider;
import dev.migrate.provider.powerdns.PowerDnsProvider;
import dev.migrate.secret.Redactor;
import dev.migrate.secret.Secret;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that echoes the credential back in an error body: the text quoted to the operator is cut to a few
 * hundred characters, and the cut used to come before the redaction, so a cut inside the key left its first
 * characters in the message (6 characters of an API key were seen). Every key here is tried at every
 * position around the cut: no character of it may be left.
 */
class RedactBeforeCutTest {
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

    /** A key of {@code length} characters none of which the filler or the redaction marks use. */
    static String key(int length, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        return b.toString();
    }

    /** Nothing but filler, redaction marks and the cut's dots: no character of any key. */
    static void assertNoPartOf(String key, String shown) {
        for (int n = 3; n <= key.length(); n++) {
            for (int i = 0; i + n <= key.length(); i++) {
                assertThat(shown).as("shown text holds %s of the key", key.substring(i, i + n)).doesNotContain(key.substring(i, i + n));
            }
            if (n >= 8) break; // longer parts hold these shorter ones
        }
    }

    @ParameterizedTest(name = "a key of {0} characters")
    @ValueSource(ints = {6, 7, 20, 40, 44, 64, 299, 300, 301, 600})
    void noCharacterOfAKeyIsLeftWhereverTheCutFalls(int length) {
        String key = key(length, length);
        Secret.of(key, "test key of " + length);
        int tried = 0;
        for (int at = 0; at <= 300 + length + 1; at++) {
            String body = "-".repeat(at) + key + " - " + "-".repeat(40);
            String shown = HttpProviders.quote(body);
            assertThat(shown).matches("[-* .]*");
            tried++;
            // The key twice, and JSON-escaped inside a message, as a server's error may hold it.
            String twice = HttpProviders.quote("=".repeat(at % 310) + key + "\n\t" + key + "=");
            assertThat(twice).matches("[=* .]*");
            tried++;
        }
        assertThat(tried).isEqualTo(2 * (300 + length + 2));
    }

    @ParameterizedTest(name = "a key with quotes and backslashes of {0} characters")
    @ValueSource(ints = {8, 40})
    void anEscapedKeyIsBlankedWholeToo(int length) {
        String key = "\"" + key(length, 99L + length) + "\\" + key(4, 7);
        Secret.of(key, "test key with escapes");
        String escaped = key.replace("\\", "\\\\").replace("\"", "\\\"");
        for (int at = 0; at <= 300 + escaped.length(); at++) {
            String shown = HttpProviders.quote("-".repeat(at) + escaped + "-");
            assertThat(shown).matches("[-* .]*");
        }
    }

    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Integer> cuts() {
        // Where the cut falls inside a 40-character key, and a little either side.
        return IntStream.rangeClosed(250, 305).boxed();
    }

    static MockResponse error(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    @ParameterizedTest(name = "PowerDNS echoes the key after {0} characters")
    @MethodSource("cuts")
    void powerDnsErrorsNeverShowPartOfTheKey(int at) throws Exception {
        String key = key(40, 1000 + at);
        Secret secret = Secret.of(key, "file pdns.key");
        server.enqueue(error(422, "{\"error\": \"" + "x".repeat(at) + key + " was refused\"}"));
        try (PowerDnsProvider p = new PowerDnsProvider(server.url("/"), "localhost", secret, false, Duration.ofSeconds(5),
                d -> { })) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read("example.com."));
            assertThat(e).isNotNull();
            assertNoPartOf(key, Redactor.global().redact(e.getMessage()));
            assertNoPartOf(key, e.getMessage());
        }
    }

    @ParameterizedTest(name = "Cloudflare echoes the token after {0} characters")
    @MethodSource("cuts")
    void cloudflareErrorsNeverShowPartOfTheToken(int at) throws Exception {
        String token = key(40, 2000 + at);
        Secret secret = Secret.of(token, "file cf-token");
        List<String> bodies = new ArrayList<>(List.of(
                "{\"success\":false,\"errors\":[{\"code\":1000,\"message\":\"" + "y".repeat(at) + token + "\"}]}",
                "<html>" + "z".repeat(at) + token + "</html>"));
        for (String body : bodies) {
            server.enqueue(error(400, body));
            try (CloudflareProvider p = new CloudflareProvider(server.url("/client/v4"), secret, 200, Duration.ofSeconds(5),
                    d -> { }, Clock.systemUTC())) {
                ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.read("example.com."));
                assertThat(e).isNotNull();
                assertNoPartOf(token, e.getMessage());
            }
        }
    }
}
