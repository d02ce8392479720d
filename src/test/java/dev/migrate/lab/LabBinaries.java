package dev.migrate.lab;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the server binaries the lab runs.
 *
 * <p>A missing binary is a broken test machine, not a reason to skip: {@link #require} throws an
 * {@link AssertionError} so the test fails loudly and names the fix ({@code .ci/install-servers.sh}).
 */
public final class LabBinaries {
  /** Server binaries live in sbin, which a non-root PATH often lacks, so these are searched too. */
  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin");

  private LabBinaries() {}

  /**
   * Returns the absolute path of {@code binary}, looked up in {@code PATH} and then in /usr/sbin,
   * /usr/bin and /usr/local/sbin.
   *
   * @throws AssertionError if it is not installed (run {@code .ci/install-servers.sh})
   */
  public static Path require(String binary) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(EXTRA_DIRS);
    for (String dir : dirs) {
      Path candidate = Path.of(dir, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new AssertionError(
        "lab binary '" + binary + "' is not installed (searched PATH and " + EXTRA_DIRS
            + "); run .ci/install-servers.sh to install the lab servers");
  }
}
