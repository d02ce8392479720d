package dev.migrate.provider.route53;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.secret.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Where the adapter's AWS credentials come from, in the two ways the plan may say (secrets are never in the
 * plan itself):
 * <ul>
 *   <li>a profile of a shared credentials file named in the plan ({@code credentialsFile}, with
 *       {@code profile}, default {@code default}), holding either {@code aws_access_key_id},
 *       {@code aws_secret_access_key} and optionally {@code aws_session_token}, or {@code credential_process}:
 *       a command that prints them as JSON ("Sourcing credentials with an external process", AWS CLI user
 *       guide: {@code {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}});</li>
 *   <li>otherwise the environment: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, for
 *       temporary credentials, {@code AWS_SESSION_TOKEN}.</li>
 * </ul>
 * Credentials that expire are fetched again shortly before they do, so a long {@code apply --wait} keeps
 * working. Thread-safe.
 */
final class CredentialSource {
    /** Fetch again this long before temporary credentials expire. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    /** Most output read from a credential_process: its JSON is a few hundred bytes. */
    private static final int MAX_OUTPUT = 64 * 1024;
    /** Largest shared credentials file read: many profiles fit in far less. */
    static final long MAX_CREDENTIALS_FILE = 1024 * 1024;

    private final Loader loader;
    private final Clock clock;
    private AwsCredentials current; // guarded by this

    @FunctionalInterface
    interface Loader {
        AwsCredentials load() throws ProviderException;
    }

    private CredentialSource(Loader loader, Clock clock) {
        this.loader = loader;
        this.clock = clock;
    }

    /** Credentials fixed once, e.g. for tests. */
    static CredentialSource of(AwsCredentials credentials) {
        return new CredentialSource(() -> credentials, Clock.systemUTC());
    }

    /**
     * The source the settings name, checked now (the file read, the command run once), so that a wrong file
     * or profile stops before anything else happens.
     *
     * @param clock real time: expiry is about the credentials' real lifetime, never the plan's {@code --now}
     */
    static CredentialSource from(Route53Settings s, Path baseDir, Function<String, String> env, Duration timeout,
            Clock clock) throws ProviderException {
        Loader loader;
        if (s.credentialsFile().isPresent() || s.profile().isPresent()) {
            Path file = credentialsFile(s, baseDir, env);
            String profile = s.profile().orElse("default");
            loader = () -> fromProfile(file, profile, timeout, baseDir);
        } else {
            loader = () -> fromEnvironment(env);
        }
        CredentialSource source = new CredentialSource(loader, clock);
        source.current();
        return source;
    }

    /** Valid credentials, fetched again when the ones held expire within {@link #REFRESH_BEFORE}. */
    synchronized AwsCredentials current() throws ProviderException {
        Instant now = clock.instant();
        if (current == null || current.expiration() != null && !now.plus(REFRESH_BEFORE).isBefore(current.expiration())) {
            AwsCredentials fresh = loader.load();
            if (fresh.expiration() != null && !fresh.expiration().isAfter(now)) {
                throw new ProviderException(Kind.AUTH, "the AWS credentials from " + fresh.origin() + " expired at "
                        + fresh.expiration() + ": renew them (e.g. log in again) and run the command again");
            }
            current = fresh;
        }
        return current;
    }

    static Path credentialsFile(Route53Settings s, Path baseDir, Function<String, String> env)
            throws ProviderException {
        String named = s.credentialsFile().orElse(env.apply("AWS_SHARED_CREDENTIALS_FILE"));
        if (named == null || named.isBlank()) {
            throw new ProviderException(Kind.INVALID, "provider route53: 'profile' " + s.profile().orElse("")
                    + " needs the shared credentials file that holds it: set credentialsFile, e.g."
                    + " credentialsFile: ~/.aws/credentials");
        }
        String t = named.trim();
        if (t.equals("~") || t.startsWith("~/")) t = System.getProperty("user.home") + t.substring(1);
        return baseDir.resolve(t).normalize();
    }

    static AwsCredentials fromEnvironment(Function<String, String> env) throws ProviderException {
        String id = env.apply("AWS_ACCESS_KEY_ID");
        String secret = env.apply("AWS_SECRET_ACCESS_KEY");
        String token = env.apply("AWS_SESSION_TOKEN");
        if (blank(id) || blank(secret)) {
            throw new ProviderException(Kind.AUTH, "provider route53 has no AWS credentials: set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or name a profile of a"
                    + " shared credentials file with 'credentialsFile' and 'profile' in the plan's provider block");
        }
        String origin = "environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
                + (blank(token) ? "" : ", AWS_SESSION_TOKEN");
        return new AwsCredentials(id.strip(), Secret.of(secret, "environment variable AWS_SECRET_ACCESS_KEY"),
                blank(token) ? null : Secret.of(token, "environment variable AWS_SESSION_TOKEN"), null, origin);
    }

    /**
     * That the file holds the profile and the profile says where its keys come from, without running its
     * credential_process and without keeping its secret.
     */
    static void checkProfile(Path file, String profile) throws ProviderException {
        Map<String, String> p = profile(file, profile);
        boolean keys = !blank(p.get("aws_access_key_id")) && !blank(p.get("aws_secret_access_key"));
        if (!keys && blank(p.get("credential_process"))) throw neitherKeysNorProcess(file, profile);
    }

    private static ProviderException neitherKeysNorProcess(Path file, String profile) {
        return new ProviderException(Kind.AUTH, "profile " + profile + " of " + file + " has neither aws_access_key_id"
                + " with aws_secret_access_key nor credential_process");
    }

    static AwsCredentials fromProfile(Path file, String profile, Duration timeout, Path workDir) throws ProviderException {
        Map<String, String> p = profile(file, profile);
        String where = "profile " + profile + " of " + file;
        String process = p.get("credential_process");
        String id = p.get("aws_access_key_id");
        String secret = p.get("aws_secret_access_key");
        if (!blank(id) && !blank(secret)) {
            String token = p.get("aws_session_token");
            return new AwsCredentials(id, Secret.of(secret, "aws_secret_access_key in " + where),
                    blank(token) ? null : Secret.of(token, "aws_session_token in " + where), null, where);
        }
        if (!blank(process)) return fromProcess(process, where, timeout, workDir);
        throw neitherKeysNorProcess(file, profile);
    }

    /** The keys of one section ({@code [name]}, or {@code [profile name]} as in the config file) of an INI file. */
    static Map<String, String> profile(Path file, String profile) throws ProviderException {
        List<String> lines;
        try {
            // A credentials file is a few hundred bytes: a device, a pipe or a huge file named by mistake would
            // hang or exhaust memory, and now that the plan's loading reads it, every command would.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new ProviderException(Kind.AUTH, "the AWS credentials file " + file + " is not a regular file");
            }
            if (Files.exists(file) && Files.size(file) > MAX_CREDENTIALS_FILE) {
                throw new ProviderException(Kind.AUTH, "the AWS credentials file " + file + " is larger than "
                        + MAX_CREDENTIALS_FILE / 1024 + " KiB: is it the right file?");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProviderException(Kind.AUTH, "cannot read the AWS credentials file " + file + ": "
                    + e.getClass().getSimpleName());
        }
        Map<String, String> out = null;
        List<String> seen = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip();
                if (name.startsWith("profile ")) name = name.substring("profile ".length()).strip();
                seen.add(name);
                if (out != null) break; // the profile ended
                if (name.equals(profile)) out = new LinkedHashMap<>();
                continue;
            }
            int eq = line.indexOf('=');
            if (out != null && eq > 0) {
                out.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        if (out == null) {
            throw new ProviderException(Kind.AUTH, "the AWS credentials file " + file + " has no profile " + profile
                    + (seen.isEmpty() ? "" : "; it has " + String.join(", ", seen)));
        }
        return out;
    }

    /**
     * Runs a credential_process (split into words like a shell would, quotes kept together, no shell run) and
     * reads its JSON. What it prints on standard output is never shown: it holds the secret.
     */
    static AwsCredentials fromProcess(String command, String where, Duration timeout, Path workDir)
            throws ProviderException {
        List<String> argv = words(command);
        if (argv.isEmpty()) throw new ProviderException(Kind.AUTH, "credential_process of " + where + " is empty");
        String what = "credential_process " + argv.get(0) + " of " + where;
        Process p;
        try {
            p = new ProcessBuilder(argv).directory(workDir.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new ProviderException(Kind.AUTH, "cannot run " + what + ": " + e.getMessage());
        }
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(p.getErrorStream(), err), "credential_process stderr");
            drain.setDaemon(true);
            drain.start();
            byte[] out = readBounded(p.getInputStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ProviderException(Kind.AUTH, what + " did not finish within " + dev.migrate.support.Durations.human(timeout));
            }
            drain.join(1000);
            if (p.exitValue() != 0) {
                String said = HttpProviders.quote(lastLine(err.toString(StandardCharsets.UTF_8)));
                throw new ProviderException(Kind.AUTH, what + " exited " + p.exitValue() + (said.isEmpty() ? "" : ": " + said));
            }
            return parseProcessOutput(out, what);
        } catch (IOException e) {
            throw new ProviderException(Kind.AUTH, "cannot read the output of " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new ProviderException(Kind.AUTH, what + ": interrupted");
        }
    }

    static AwsCredentials parseProcessOutput(byte[] out, String what) throws ProviderException {
        JsonNode n = HttpProviders.parse(new String(out, StandardCharsets.UTF_8));
        if (n == null || !n.isObject()) {
            throw new ProviderException(Kind.AUTH, what + " did not print a JSON object");
        }
        if (n.path("Version").asInt(0) != 1) {
            throw new ProviderException(Kind.AUTH, what + " printed Version " + n.path("Version").asText("(none)")
                    + "; only Version 1 is defined");
        }
        String id = n.path("AccessKeyId").asText("");
        String secret = n.path("SecretAccessKey").asText("");
        if (id.isBlank() || secret.isBlank()) {
            throw new ProviderException(Kind.AUTH, what + " printed no AccessKeyId or SecretAccessKey");
        }
        String token = n.path("SessionToken").asText("");
        Instant expiration = null;
        if (n.hasNonNull("Expiration")) {
            try {
                expiration = java.time.OffsetDateTime.parse(n.get("Expiration").asText()).toInstant();
            } catch (DateTimeParseException e) {
                throw new ProviderException(Kind.AUTH, what + " printed an Expiration that is not an ISO-8601 instant");
            }
        }
        return new AwsCredentials(id, Secret.of(secret, "SecretAccessKey from " + what),
                token.isBlank() ? null : Secret.of(token, "SessionToken from " + what), expiration, what);
    }

    /** Words as a POSIX shell splits them, without expansions: blanks separate, quotes and backslashes group. */
    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < command.length()) w.append(command.charAt(++i));
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < command.length()) {
                w.append(command.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(w.toString());
        return out;
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > MAX_OUTPUT) throw new IOException("more than " + MAX_OUTPUT + " bytes of output");
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() < MAX_OUTPUT) out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
            }
        } catch (IOException e) {
            // The process went away; what it wrote so far is all there is.
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
