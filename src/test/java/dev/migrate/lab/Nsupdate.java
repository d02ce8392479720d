package dev.migrate.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code nsupdate} against a lab server, TSIG-signed: "someone else" changing records, or
 * a registrar changing a delegation at the parent, with the tool operators use.
 */
public final class Nsupdate {
  private static final long TIMEOUT_SECONDS = 20;

  private Nsupdate() {}

  /**
   * Sends {@code commands} (e.g. {@code "update delete shop.test. NS"}) for {@code zone} to
   * 127.0.0.1:{@code port} signed with {@code key}, then {@code send}; the server and zone lines are
   * added here.
   *
   * @throws AssertionError when nsupdate exits non-zero (its output says why) or takes over 20 s
   */
  public static void run(int port, TsigKey key, String zone, String... commands) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("migrate-lab-nsupdate-");
      Path keyFile = dir.resolve("key.conf");
      Files.writeString(keyFile, "key \"" + key.name() + "\" { algorithm " + key.algorithm() + "; secret \""
          + key.secret() + "\"; };\n");
      StringBuilder script = new StringBuilder("server 127.0.0.1 " + port + "\nzone " + zone + "\n");
      for (String c : commands) {
        script.append(c).append('\n');
      }
      script.append("send\n");
      Path in = dir.resolve("script");
      Files.writeString(in, script.toString());
      Path out = dir.resolve("out");
      Process p = new ProcessBuilder(LabBinaries.require("nsupdate").toString(), "-t", "5", "-k",
          keyFile.toString(), in.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("nsupdate did not finish in " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("nsupdate exited " + p.exitValue() + ": " + Files.readString(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run nsupdate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      if (dir != null) {
        LabServer.deleteTree(dir);
      }
    }
  }
}
