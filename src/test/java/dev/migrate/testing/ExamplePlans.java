package dev.migrate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The project's example plans (plans/), copied so that nothing a test does touches them. */
public final class ExamplePlans {
    private ExamplePlans() {}

    /** The project directory (the build sets {@code migrate.project.dir}). */
    public static Path project() {
        return Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath();
    }

    /** Copies plans/ with its zones into {@code into}/plans and returns the copy of {@code plan} there. */
    public static Path copy(Path into, String plan) throws IOException {
        Path from = project().resolve("plans");
        Path dir = into.resolve("plans");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return dir.resolve(plan);
    }
}
