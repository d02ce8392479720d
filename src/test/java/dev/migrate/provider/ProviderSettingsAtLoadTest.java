package dev.migrate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.plan.PlanError;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.secret.Redactor;
import dev.migrate.testing.Cli;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every adapter checks its provider block when the plan loads ({@link ProviderFactory#check} for the values,
 * {@link ProviderFactory#checkFiles} for the secret files they name): a bad server, port, URL, batch size,
 * timeout or secret file is a plan error at its value's file:line:column (exit 2), in words, never a Java
 * exception's name, never a secret's value.
 */
class ProviderSettingsAtLoadTest {
    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
    static final PlanLoader LOADER = new PlanLoader(Providers.discover(null).all());

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.createDirectories(dir.resolve("a-directory"));
        Files.writeString(dir.resolve("good.secret"), SECRET + "\n");
        Files.writeString(dir.resolve("empty.secret"), "  \n");
        Files.writeString(dir.resolve("notbase64.secret"), "this is not base64!\n");
        Files.write(dir.resolve("latin1.secret"), new byte[] {'k', (byte) 0xe9, 'y'});
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.secret").toFile(), "rw")) {
            f.setLength(100 * 1024);
        }
        Files.createSymbolicLink(dir.resolve("zero.secret"), Path.of("/dev/zero"));
        Process mk = new ProcessBuilder("mkfifo", dir.resolve("fifo.secret").toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A plan whose provider block is {@code block} (indented under "provider:"), on line 3 onward. */
    static String plan(String block) {
        return "name: settings\ncutover: 2026-12-01T02:00:00Z\nprovider:\n" + block.stripTrailing().indent(2)
                + "zones: [example.com]\nttl: { lowered: 300 }\n";
    }

    /**
     * One bad setting: the provider block, the key the error is about ("batchSize", "tsig.secretFile"; ""
     * for the block as a whole), and fragments of the message. The error must stand at that key's value.
     */
    record Bad(String block, String key, List<String> says) {
        @Override
        public String toString() {
            return block.replace("\n", " | ");
        }

        /** Line and column of the key's value in {@link #plan}: the block starts on line 4, indented by 2. */
        int[] at() {
            String[] lines = block.split("\n", -1);
            if (key.isEmpty()) return new int[] {4, 3};
            boolean ofKey = key.startsWith("=");
            int from = 0;
            int line = -1;
            int column = -1;
            for (String k : (ofKey ? key.substring(1) : key).split("\\.")) {
                for (int i = from; i < lines.length; i++) {
                    int c = lines[i].indexOf(k + ":");
                    if (c >= 0 && (c == 0 || !Character.isLetterOrDigit(lines[i].charAt(c - 1)))) {
                        line = i;
                        column = ofKey ? c : c + k.length() + 2;
                        from = i;
                        break;
                    }
                }
            }
            if (line < 0) throw new IllegalArgumentException("no " + key + " in " + block);
            if (column >= lines[line].length()) {
                // A block below its key: its first key, on the next line.
                String next = lines[line + 1];
                return new int[] {5 + line, 3 + next.length() - next.stripLeading().length()};
            }
            return new int[] {4 + line, 3 + column};
        }
    }

    static Bad bad(String block, String key, String... says) {
        return new Bad(block, key, List.of(says));
    }

    static Stream<Bad> badSettings() {
        List<Bad> out = new ArrayList<>();
        // zonefile
        for (String v : List.of("lots", "0", "-5", "1.5", "99999999999", "1e3", "'1 2'", "0x10", "[1, 2]")) {
            out.add(bad("type: zonefile\ndirectory: zones\nbatchSize: " + v, "batchSize", "is '", "expected a whole number"));
        }
        out.add(bad("type: zonefile\ndirectory: zones\nbatchSize:", "=batchSize", "found nothing for 'batchSize'"));
        out.add(bad("type: zonefile\ndirectory: zones\nreloadTimeout: forever", "reloadTimeout", "not a duration"));
        out.add(bad("type: zonefile\ndirectory: zones\nreloadTimeout: 0s", "reloadTimeout", "must be longer than 0s"));
        out.add(bad("type: zonefile\ndirectory: zones\nreloadTimeout: 36501d", "reloadTimeout", "36500 days"));
        out.add(bad("type: zonefile", "", "needs 'directory'"));
        // rfc2136
        for (String v : List.of("ns1.example.com", "127.0.0.1:0", "127.0.0.1:70000", "'[::1'", "1.2.3.4:http", "999.1.1.1",
                "'127.0.0.1:53 ; x'")) {
            out.add(bad("type: rfc2136\nserver: " + v, "server", "server"));
        }
        out.add(bad("type: rfc2136\nserver: ''", "=server", "found nothing for 'server'"));
        out.add(bad("type: rfc2136", "", "needs 'server'"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\nread: ixfr", "read", "read 'ixfr' is not one of axfr, query"));
        for (String v : List.of("0s", "10m", "soon")) {
            out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntimeout: " + v, "timeout", "timeout"));
        }
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig: lab-key", "tsig", "must be a block"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig: { secretFile: good.secret }", "tsig", "'name' is missing"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: a..b\n  secretFile: good.secret", "tsig.name",
                "name 'a..b' is not a valid DNS name"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: k\n  algorithm: hmac-sha1\n  secretFile: good.secret",
                "tsig.algorithm", "algorithm 'hmac-sha1' is not supported"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: k\n  secret: " + SECRET + "\n  secretFile: good.secret",
                "tsig.secret", "unknown key 'secret'"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: k\n  secretFile: good.secret\n  secretEnv: K",
                "tsig.secretFile", "give either secretEnv or secretFile, not both"));
        out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: k", "tsig", "needs secretEnv", "or secretFile"));
        for (String[] f : List.of(new String[] {"missing.secret", "no such file"}, new String[] {"a-directory", "it is a directory"},
                new String[] {"fifo.secret", "it is not a regular file"}, new String[] {"zero.secret", "it is not a regular file"},
                new String[] {"empty.secret", "is empty"}, new String[] {"huge.secret", "at most 64 KiB"},
                new String[] {"latin1.secret", "it is not text (UTF-8)"}, new String[] {"notbase64.secret", "is not base64"})) {
            out.add(bad("type: rfc2136\nserver: 127.0.0.1\ntsig:\n  name: k\n  secretFile: " + f[0], "tsig.secretFile",
                    f[1].equals("is not base64") ? "the secret in file" : f[1].equals("is empty") ? "the TSIG secret file"
                            : "cannot read the TSIG secret file", f[1]));
        }
        // powerdns
        for (String v : List.of("not-a-url", "'http://192.0.2.1:8081'", "ftp://127.0.0.1/")) {
            out.add(bad("type: powerdns\nurl: " + v + "\napiKeyFile: good.secret", "url", "http"));
        }
        out.add(bad("type: powerdns\nurl: ''\napiKeyFile: good.secret", "=url", "found nothing for 'url'"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\nserver: a/b\napiKeyFile: good.secret", "server", "is 'a/b'"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\nnotify: maybe\napiKeyFile: good.secret", "notify", "is 'maybe'"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\ntimeout: 0s\napiKeyFile: good.secret", "timeout",
                "must be longer than 0s"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\napiKeyFile: missing.key", "apiKeyFile",
                "cannot read the PowerDNS API key file", "no such file"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\napiKeyFile: a-directory", "apiKeyFile", "it is a directory"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081\napiKeyFile: zero.secret", "apiKeyFile", "not a regular file"));
        out.add(bad("type: powerdns\nurl: http://127.0.0.1:8081", "", "needs apiKeyEnv"));
        // cloudflare
        for (String v : List.of("lots", "0", "3501")) {
            out.add(bad("type: cloudflare\nbatchSize: " + v + "\napiTokenFile: good.secret", "batchSize", "is '", "1..3500"));
        }
        out.add(bad("type: cloudflare\nbaseUrl: http://api.example.com/client/v4\napiTokenFile: good.secret", "baseUrl", "use https"));
        out.add(bad("type: cloudflare\ntimeout: later\napiTokenFile: good.secret", "timeout", "not a duration"));
        out.add(bad("type: cloudflare\napiTokenFile: fifo.secret", "apiTokenFile", "cannot read the Cloudflare API token file",
                "not a regular file"));
        out.add(bad("type: cloudflare\napiTokenFile: huge.secret", "apiTokenFile", "at most 64 KiB"));
        out.add(bad("type: cloudflare\napiTokenFile: good.secret\napiTokenEnv: CF", "apiTokenFile", "not both"));
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badSettings")
    void aBadSettingIsAPlanErrorAtItsValue(Bad b) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, plan(b.block()));
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(plan));
        assertThat(e).as("refused:%n%s", plan(b.block())).isNotNull();
        assertThat(e.errors()).as("errors").hasSize(1);
        PlanError err = e.errors().get(0);
        int[] at = b.at();
        assertThat(err.where().line()).as("%s", err).isEqualTo(at[0]);
        assertThat(err.where().column()).as("%s", err).isEqualTo(at[1]);
        for (String s : b.says()) assertThat(err.message()).contains(s);
        assertThat(err.message()).doesNotContainPattern("[A-Z][A-Za-z]*(Exception|Error)\\b").doesNotContain(SECRET);
    }

    @Test
    void goodBlocksLoadAndAVariableIsNotLookedAtYet() throws Exception {
        for (String block : List.of("type: zonefile\ndirectory: zones\nbatchSize: 50\nreloadTimeout: 10s",
                "type: zonefile\ndirectory: not-there-yet",
                "type: rfc2136\nserver: '[::1]:5301'\nread: query\ntimeout: 3s\ntsig:\n  name: k\n  algorithm: hmac-sha512\n  secretFile: good.secret",
                "type: rfc2136\nserver: 127.0.0.1\ntsig: { name: k, secretEnv: NOT_SET_WHEN_THE_PLAN_LOADS }",
                "type: powerdns\nurl: http://127.0.0.1:8081\nserver: localhost\nnotify: yes\napiKeyEnv: NOT_SET",
                "type: cloudflare\nbatchSize: 3500\napiTokenFile: good.secret")) {
            Path plan = dir.resolve("plan.yaml");
            Files.writeString(plan, plan(block));
            assertThat(LOADER.load(plan).provider().type()).isNotEmpty();
        }
        // A secret read to check it is registered at once: it can never be printed.
        assertThat(Redactor.global().redact("x " + SECRET)).isEqualTo("x ***");
    }

    /** Through the command line: exit 2, file:line:column, one line per error, nothing else done. */
    @Test
    void theCommandLineExitsTwoAtTheKey() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, plan("type: zonefile\ndirectory: zones\nbatchSize: lots"));
        for (String cmd : List.of("plan", "apply", "status", "rollback")) {
            Cli.Run r = Cli.migrate(cmd, plan.toString(), "--now", "2026-11-20T00:00:00Z");
            assertThat(r.code()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).startsWith(plan + ":6:14: is 'lots', expected a whole number of RRsets")
                    .contains("the plan has 1 error; nothing was done").doesNotContain("Exception");
        }
        Files.writeString(plan, plan("type: rfc2136\nserver: 127.0.0.1:53\ntsig: { name: k, secretFile: nowhere.key }"));
        Cli.Run r = Cli.migrate("plan", plan.toString(), "--now", "2026-11-20T00:00:00Z");
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).startsWith(plan + ":6:32: cannot read the TSIG secret file "
                + dir.resolve("nowhere.key") + ": no such file");
    }

    /**
     * A secret file this process may not read. Root reads any file, so the command runs without the
     * capabilities that let it (setpriv, util-linux): the kernel then says "permission denied" as it would
     * to an operator.
     */
    @Test
    void aSecretFileThatMayNotBeReadSaysPermissionDenied() throws Exception {
        Path key = dir.resolve("locked.secret");
        Files.writeString(key, SECRET + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, plan("type: rfc2136\nserver: 127.0.0.1:53\ntsig:\n  name: k\n  secretFile: locked.secret"));
        List<String> cmd = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) cmd.addAll(List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search", "--"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.migrate.cli.Main", "plan", plan.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains(plan + ":8:17: cannot read the TSIG secret file " + key
                + ": permission denied").doesNotContain("Exception").doesNotContain(SECRET);
    }
}
