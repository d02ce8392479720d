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

    /**
     * Loads the secret named by {@code <base>Env} or {@code <base>File} in {@code block}. The error
     * names the variable or file, never a value.
     */
    public Secret secret(Map<String, Object> block, String base, String what) throws ProviderException {
        Object env = block.get(base + "Env");
        Object file = block.get(base + "File");
        if (env != null && file != null) {
            throw new ProviderException(ProviderException.Kind.INVALID,
                    what + ": give either " + base + "Env or " + base + "File, not both");
        }
        if (env != null) {
            String value = environment.apply(env.toString());
            if (value == null || value.isBlank()) {
                throw new ProviderException(ProviderException.Kind.AUTH,
                        what + ": environment variable " + env + " is not set");
            }
            return Secret.of(value, "environment variable " + env);
        }
        if (file != null) {
            Path p = baseDir.resolve(file.toString()).normalize();
            try {
                return Secret.of(Files.readString(p), "file " + p);
            } catch (IOException e) {
                throw new ProviderException(ProviderException.Kind.AUTH, what + ": cannot read " + p + ": "
                        + e.getClass().getSimpleName());
            } catch (IllegalArgumentException e) {
                throw new ProviderException(ProviderException.Kind.AUTH, what + ": file " + p + " is empty");
            }
        }
        throw new ProviderException(ProviderException.Kind.INVALID,
                what + ": set " + base + "Env (an environment variable) or " + base + "File (a file)");
    }

    public Secret secret(String base, String what) throws ProviderException {
        return secret(settings, base, what);
    }
}
