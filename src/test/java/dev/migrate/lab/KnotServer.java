package dev.migrate.lab;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knot DNS ({@code knotd -c knot.conf}) on 127.0.0.1, run as root in the foreground with rundir,
 * database storage and zone files in a fresh temporary directory.
 *
 * <pre>{@code
 * try (KnotServer knot = KnotServer.builder().addZone("example.test.", zoneText).start()) {
 *   // knot.port(), knot.key() (TSIG: allowed to update and transfer), knot.zoneFile("example.test.")
 * }
 * }</pre>
 *
 * <p>One ACL allows transfer and update with {@link #key()} only. An unsigned update is answered
 * NOTAUTH (BIND says REFUSED for the same thing; LAB-NOTES). Knot sends NOTIFY only to configured
 * remotes, and none are configured.
 */
public final class KnotServer extends LabServer {
  /** knotd keeps running when a zone does not load; these log lines say so. */
  private static final java.util.regex.Pattern KNOT_FATAL =
      java.util.regex.Pattern.compile("zone event 'load' failed|failed to load zone");

  private final TsigKey key;
  private final Map<String, String> zoneFiles;

  private KnotServer(Path dir, int port, TsigKey key, Map<String, String> zoneFiles) {
    super(dir, port);
    this.key = key;
    this.zoneFiles = zoneFiles;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The TSIG key allowed to update and transfer every zone. */
  public TsigKey key() {
    return key;
  }

  /**
   * The zone file. With the default {@code zonefile-sync: -1} updates stay in the journal (under
   * {@code dir()/db}) and this file keeps the text given; with {@code zonefileSync(0)} Knot rewrites
   * it after every update (comments lost).
   */
  public Path zoneFile(String zone) {
    String f = zoneFiles.get(absolute(zone));
    if (f == null) {
      throw new IllegalArgumentException("no zone " + zone + " on this server; zones: " + zoneFiles.keySet());
    }
    return dir().resolve(f);
  }

  /** Collects zones and options; {@link #start()} writes the config and runs knotd. */
  public static final class Builder {
    private int port;
    private TsigKey key;
    private int zonefileSync = -1;
    private final Map<String, String> zones = new LinkedHashMap<>();

    private Builder() {}

    /** The port to listen on; by default {@link Ports#free()}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The TSIG key for updates and transfers; by default {@code TsigKey.random("lab-key")}. */
    public Builder key(TsigKey key) {
      this.key = key;
      return this;
    }

    /**
     * Knot's {@code zonefile-sync} in seconds for every zone: -1 (default) keeps updates in the
     * journal only; 0 rewrites the zone file right after each update.
     */
    public Builder zonefileSync(int seconds) {
      this.zonefileSync = seconds;
      return this;
    }

    /** A primary zone loaded from {@code zoneFileText} (origin = zone name; needs SOA and NS). */
    public Builder addZone(String zone, String zoneFileText) {
      if (zones.putIfAbsent(absolute(zone), zoneFileText) != null) {
        throw new IllegalArgumentException("zone " + zone + " added twice");
      }
      return this;
    }

    /** Writes knot.conf and zone files, starts knotd and waits until every zone answers SOA. */
    public KnotServer start() {
      Path knotd = LabBinaries.require("knotd");
      TsigKey serverKey = key != null ? key : TsigKey.random("lab-key");
      int listenPort = port != 0 ? port : Ports.free();
      Path dir = newTempDir("knot");
      Map<String, String> files = new LinkedHashMap<>();
      zones.keySet().forEach(z -> files.put(z, "zones/" + z + "zone"));
      KnotServer server = new KnotServer(dir, listenPort, serverKey, Map.copyOf(files));

      StringBuilder conf = new StringBuilder();
      // rundir and storage default to /run/knot and /var/lib/knot; no "user:" line keeps root
      // (LAB-NOTES).
      conf.append("server:\n")
          .append("  rundir: ").append(quote(dir.resolve("run"))).append("\n")
          .append("  listen: 127.0.0.1@").append(listenPort).append("\n")
          .append("  udp-workers: 1\n")
          .append("  tcp-workers: 1\n")
          .append("  background-workers: 1\n")
          .append("log:\n")
          .append("  - target: stderr\n")
          .append("    any: info\n")
          .append("database:\n")
          .append("  storage: ").append(quote(dir.resolve("db"))).append("\n")
          .append("key:\n")
          .append("  - id: ").append(serverKey.name()).append("\n")
          .append("    algorithm: ").append(serverKey.algorithm()).append("\n")
          .append("    secret: ").append(serverKey.secret()).append("\n")
          // A zone without an ACL refuses both transfer and update (LAB-NOTES).
          .append("acl:\n")
          .append("  - id: lab-acl\n")
          .append("    key: ").append(serverKey.name()).append("\n")
          .append("    action: [transfer, update]\n")
          .append("template:\n")
          .append("  - id: default\n")
          .append("    storage: ").append(quote(dir.resolve("zones"))).append("\n")
          .append("    zonefile-sync: ").append(zonefileSync).append("\n")
          .append("    acl: lab-acl\n");
      if (!zones.isEmpty()) {
        conf.append("zone:\n");
      }
      zones.forEach((zone, text) -> {
        write(dir.resolve(files.get(zone)), text);
        conf.append("  - domain: ").append(zone).append("\n")
            .append("    file: ").append(quote(dir.resolve(files.get(zone)))).append("\n");
      });
      // knotd does not create these; without db/ every update fails "not exists".
      write(dir.resolve("run/.keep"), "");
      write(dir.resolve("db/.keep"), "");
      Path confFile = dir.resolve("knot.conf");
      write(confFile, conf.toString());

      // Without -d knotd stays in the foreground.
      server.launch("knotd", List.of(knotd.toString(), "-c", confFile.toString()), KNOT_FATAL, () -> {
        if (zones.isEmpty()) {
          server.process().waitForTcp(listenPort, START_TIMEOUT);
        }
        for (String z : zones.keySet()) {
          server.process().waitForSoa(listenPort, z, false, START_TIMEOUT);
        }
      });
      return server;
    }
  }
}
