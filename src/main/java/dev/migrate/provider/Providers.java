package dev.migrate.provider;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds adapters by type: those on the classpath, plus jars dropped into a {@code providers/} directory
 * (beside the launcher, or named by {@code MIGRATE_PROVIDERS_DIR}).
 */
public final class Providers {
    private final Map<String, ProviderFactory> byType;

    private Providers(Map<String, ProviderFactory> byType) {
        this.byType = byType;
    }

    public static Providers discover() {
        String dir = System.getenv("MIGRATE_PROVIDERS_DIR");
        if (dir == null) dir = System.getProperty("migrate.providers.dir");
        return discover(dir == null ? null : Path.of(dir));
    }

    public static Providers discover(Path extraJars) {
        ClassLoader loader = Providers.class.getClassLoader();
        if (extraJars != null && Files.isDirectory(extraJars)) {
            List<URL> urls = new ArrayList<>();
            try (Stream<Path> s = Files.list(extraJars)) {
                for (Path p : s.filter(x -> x.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(p.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                // An unreadable providers directory leaves the built-in adapters usable.
            }
            if (!urls.isEmpty()) loader = new URLClassLoader(urls.toArray(URL[]::new), loader);
        }
        Map<String, ProviderFactory> m = new TreeMap<>();
        for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class, loader)) {
            m.putIfAbsent(f.type(), f);
        }
        return new Providers(m);
    }

    public Optional<ProviderFactory> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public List<ProviderFactory> all() {
        return List.copyOf(byType.values());
    }

    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Each type and the keys its {@code provider:} block accepts besides {@code type}: what plans are checked against. */
    public Map<String, Set<String>> keysByType() {
        Map<String, Set<String>> m = new TreeMap<>();
        byType.forEach((type, f) -> m.put(type, Set.copyOf(f.keys())));
        return m;
    }
}
