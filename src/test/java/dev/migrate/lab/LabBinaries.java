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
 * {@link AssertionError} so the test fails loudly and names the fix ({@code .ci/install-servers.sh}). In the
 * fast tier ({@code mvn test}, system property {@code migrate.lab=off}) every call fails: the class asking
 * should be marked {@link LabTest}.
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
    if ("off".equals(System.getProperty("migrate.lab"))) {
      // The fast tier (mvn test) runs without lab servers: a test that gets here is one that needs them.
      throw new AssertionError("this test needs the lab binary '" + binary + "' but its class is not marked"
          + " @LabTest: mark it, so that it runs in the lab tier (mvn verify) where the servers are installed");
    }
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
