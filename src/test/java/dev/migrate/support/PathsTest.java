package dev.migrate.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.plan.Location;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Paths in messages: relative below the current directory where shorter, else absolute; never a/../b. */
class PathsTest {
    static final Path CWD = Path.of("/srv/migrate/work");

    @Test
    void relativeBelowTheCurrentDirectoryWhereShorterAbsoluteElse() {
        assertThat(Paths.show(Path.of("plans/../plans/web.yaml"), CWD)).isEqualTo("plans/web.yaml");
        assertThat(Paths.show(Path.of("/srv/migrate/work/plans/web.yaml"), CWD)).isEqualTo("plans/web.yaml");
        // Out of the current directory: absolute, even where ../other/web.yaml would be shorter.
        assertThat(Paths.show(Path.of("/srv/migrate/other/web.yaml"), CWD)).isEqualTo("/srv/migrate/other/web.yaml");
        assertThat(Paths.show(Path.of("../work2/web.yaml"), CWD)).isEqualTo("/srv/migrate/work2/web.yaml");
        assertThat(Paths.show(Path.of("/srv/migrate"), CWD)).isEqualTo("/srv/migrate");
        assertThat(Paths.show(Path.of("/etc/migrate/web.yaml"), CWD)).isEqualTo("/etc/migrate/web.yaml");
        assertThat(Paths.show(Path.of("../../../etc/x.yaml"), CWD)).isEqualTo("/etc/x.yaml");
        assertThat(Paths.show(Path.of("."), CWD)).isEqualTo(".");
    }

    @Test
    void planErrorsSayWhereInTheShortForm() {
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(new Location(cwd.resolve("plans/../plans/web.yaml"), 3, 7).toString()).isEqualTo("plans/web.yaml:3:7");
        assertThat(new Location(Path.of("/etc/migrate/../migrate/web.yaml"), 1, 1).toString())
                .isEqualTo(Paths.show(Path.of("/etc/migrate/web.yaml")) + ":1:1");
    }
}
