package dev.migrate.provider;

import dev.migrate.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@code provider:} block of a plan as the adapter sees it: its own keys, the directory relative
 * paths are taken against, and where secrets come from. Secrets are never values in the plan: a key
 * {@code fooEnv} names an environment variable and {@code fooFile} a file holding the secret.
 *
 * @param operator    instructions for the person running the command, for adapters that need one to act
 *                    (the {@code manual} provider: "set these records now"); by default printed to stderr.
 *                    Never secrets: what goes here is shown and may be logged
 * @param nameservers the plan's {@code nameservers:} (IP[:port], port 53 when absent), for adapters that read
 *                    the zone from its authoritative servers; empty when the plan lists none
 * @param resolvers   the plan's {@code resolvers:}, to look up a zone's nameservers when none are listed
 */
public record ProviderConfig(
        String type,
        Map<String, Object> settings,
        Path baseDir,
        Function<String, String> environment,
        java.time.Clock clock,
        Consumer<String> operator,
        List<String> nameservers,
        List<String> resolvers) {

    /** Instructions printed to standard error, a line at a time, flushed at once. */
    public static final Consumer<String> STDERR = text -> {
        System.err.println(text);
        System.err.flush();
    };

    public ProviderConfig {
        settings = Map.copyOf(settings);
        operator = operator == null ? STDERR : operator;
        nameservers = List.copyOf(nameservers);
        resolvers = List.copyOf(resolvers);
    }

    /** A block with no operator channel of its own (stderr) and no plan addresses. */
    public ProviderConfig(String type, Map<String, Object> settings, Path baseDir, Function<String, String> environment,
            java.time.Clock clock) {
        this(type, settings, baseDir, environment, clock, STDERR, List.of(), List.of());
    }

    /** The same block, with instructions for the operator going to {@code channel}. */
    public ProviderConfig withOperator(Consumer<String> channel) {
        return new ProviderConfig(type, settings, baseDir, environment, clock, channel, nameservers, resolvers);
    }

    /** The same block, told the plan's authoritative addresses and resolvers. */
    public ProviderConfig withPlanServers(List<String> planNameservers, List<String> planResolvers) {
        return new ProviderConfig(type, settings, baseDir, environment, clock, operator, planNameservers, planResolvers);
    }

    public Optional<String> string(String key) {
        Object v = settings.get(key);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    public String require(String key) throws ProviderException {
        return string(key).orElseThrow(() -> new ProviderException(ProviderException.Kind.INVALID,
                "provider " + type + " needs '" + key + "'"));
    }

    public Path path(String key) throws ProviderException {
        return baseDir.resolve(require(key)).normalize();
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> map(String key) {
        Object v = settings.get(key);
        return v instanceof Map ? Optional.of((Map<String, Object>) v) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String key) {
        Object v = settings.get(key);
        return v instanceof List ? (List<Object>) v : List.of();
    }

    public Optional<Duration> duration(String key) throws ProviderException {
        Optional<String> s = string(key);
        if (s.isEmpty()) return Optional.empty();
        try {
            return Optional.of(dev.migrate.support.Durations.parse(s.get()));
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.INVALID,
                    "provider " + type + ": '" + key + "' " + e.getMessage());
        }
    }

    /** Largest secret file read: a TSIG key file or an API token is well under a kilobyte. */
    public static final int MAX_SECRET_BYTES = 64 * 1024;

    /**
     * Loads the secret named by {@code <base>Env} or {@code <base>File} in {@code block}. The error
     * names the variable or file, never a value.
     *
     * @param what the secret as an operator knows it, with its provider: "provider rfc2136: the TSIG secret"
     */
    public Secret secret(Map<String, Object> block, String base, String what) throws ProviderException {
        Object env = block.get(base + "Env");
        Object file = block.get(base + "File");
        shape(env, file, base, what);
        if (env != null) {
            String value = environment.apply(env.toString());
            if (value == null || value.isBlank()) {
                throw new ProviderException(ProviderException.Kind.AUTH,
                        what + ": environment variable " + env + " is not set");
            }
            return Secret.of(value, "environment variable " + env);
        }
        Path p = baseDir.resolve(file.toString()).normalize();
        String kind = what.substring(what.indexOf(':') + 1).strip(); // "the TSIG secret"
        String head = what.contains(":") ? what.substring(0, what.indexOf(':') + 1) + " " : "";
        String text = readSecretFile(p, head + "cannot read " + kind + " file " + p);
        try {
            return Secret.of(text, "file " + p);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.AUTH, head + kind + " file " + p + " is empty");
        }
    }

    /**
     * For {@link ProviderFactory#validate}: the secret when it comes from a file (read and checked as
     * {@link #secret} reads it), empty when it comes from an environment variable, which is not known when
     * a plan loads. Fails when the block names neither or both.
     */
    public java.util.Optional<Secret> secretIfInFile(Map<String, Object> block, String base, String what)
            throws ProviderException {
        shape(block.get(base + "Env"), block.get(base + "File"), base, what);
        if (block.get(base + "File") == null) return java.util.Optional.empty();
        return java.util.Optional.of(secret(block, base, what));
    }

    /** The key a secret's problem is about: its {@code ...File} or {@code ...Env} key, or "" for neither. */
    public static String secretKey(Map<String, Object> block, String base) {
        if (block.get(base + "File") != null) return base + "File";
        if (block.get(base + "Env") != null) return base + "Env";
        return "";
    }

    private static void shape(Object env, Object file, String base, String what) throws ProviderException {
        if (env != null && file != null) {
            throw new ProviderException(ProviderException.Kind.INVALID,
                    what + ": give either " + base + "Env or " + base + "File, not both");
        }
        if (env == null && file == null) {
            throw new ProviderException(ProviderException.Kind.INVALID,
                    what + ": set " + base + "Env (an environment variable) or " + base + "File (a file)");
        }
        if (env instanceof Map || env instanceof List || file instanceof Map || file instanceof List) {
            throw new ProviderException(ProviderException.Kind.INVALID,
                    what + ": " + (file != null ? base + "File" : base + "Env") + " takes one name, found "
                            + (env instanceof List || file instanceof List ? "a list" : "a block of keys"));
        }
    }

    /**
     * The text of a secret file, at most {@link #MAX_SECRET_BYTES}, failing in words (no such file, a
     * directory, permission denied, ...) and never with an exception's class name. Only a regular file is
     * opened: a FIFO or a device could block or never end.
     */
    static String readSecretFile(Path p, String cannot) throws ProviderException {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": " + dev.migrate.support.IoProblems.describe(e), e);
        }
        if (a.isDirectory()) throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": it is a directory");
        if (!a.isRegularFile()) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": it is not a regular file (a FIFO,"
                    + " socket or device); put the secret in a file of its own");
        }
        if (a.size() > MAX_SECRET_BYTES) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": it is " + a.size() + " bytes, and a"
                    + " secret file holds at most " + MAX_SECRET_BYTES / 1024 + " KiB: is it the right file?");
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(p)) {
            bytes = in.readNBytes(MAX_SECRET_BYTES + 1);
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": " + dev.migrate.support.IoProblems.describe(e), e);
        }
        if (bytes.length > MAX_SECRET_BYTES) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": it holds more than "
                    + MAX_SECRET_BYTES / 1024 + " KiB: is it the right file?");
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ProviderException(ProviderException.Kind.AUTH, cannot + ": it is not text (UTF-8)");
        }
    }

    public Secret secret(String base, String what) throws ProviderException {
        return secret(settings, base, what);
    }
}
