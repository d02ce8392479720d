package dev.migrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run for the class-data-sharing archive (AppCDS) that halves start-up: the build runs this with
 * {@code -XX:DumpLoadedClassList} and ships the list of classes it loaded; the launcher turns the list into an
 * archive for the Java it finds, once (an archive names the jar's absolute path, so Java 17 cannot use one
 * made at build time elsewhere). It runs the everyday commands in-process on a copy of a plan with zone files
 * (never on the original, never over the network): plan, status, approve, apply --dry-run, rehearse, and help.
 */
public final class CdsTraining {
    private CdsTraining() {}

    /** {@code args[0]}: a plan whose provider is zonefile (the example plan). */
    public static void main(String[] args) throws IOException {
        Path plan = Path.of(args[0]).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("migrate-cds-training");
        try {
            Path copy = work.resolve(plan.getFileName());
            Files.copy(plan, copy);
            Path zones = plan.getParent().resolve("zones");
            if (Files.isDirectory(zones)) copyTree(zones, work.resolve("zones"));
            String p = copy.toString();
            String state = work.resolve("state").toString();
            String now = "--now=2026-11-22T00:00:00Z";
            List<List<String>> runs = List.of(
                    List.of("--version"), List.of("--help"), List.of("plan", "--help"),
                    List.of("plan", p, now), List.of("plan", p, now, "-o", "json"),
                    List.of("status", p, now, "--state-dir", state), List.of("status", p, now, "--state-dir", state, "-o", "json"),
                    List.of("approve", p, "swap", now, "--state-dir", state, "--by", "training"),
                    List.of("apply", p, "--dry-run", now, "--state-dir", state),
                    List.of("rehearse", p), List.of("providers"), List.of("complete-phases", p),
                    List.of("nosuchcommand"));
            PrintWriter none = new PrintWriter(Writer.nullWriter());
            for (List<String> r : runs) Main.run(r.toArray(String[]::new), none, none);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t);
            }
        }
    }
}
