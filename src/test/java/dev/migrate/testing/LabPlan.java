package dev.migrate.testing;

import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pieces of plan files for lab tests. */
public final class LabPlan {
    private LabPlan() {}

    /**
     * The {@code provider:} block of a plan writing to a lab BIND primary on 127.0.0.1:{@code port} by RFC 2136
     * (TSIG-signed updates, zones read by AXFR), its key's secret written to {@code key.secret} beside the plan.
     */
    public static String rfc2136(Path planDir, int port, TsigKey key) throws IOException {
        Files.writeString(planDir.resolve("key.secret"), key.secret() + "\n");
        return """
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  read: axfr
                  timeout: 2s
                """.formatted(port, key.name(), key.algorithm());
    }
}
