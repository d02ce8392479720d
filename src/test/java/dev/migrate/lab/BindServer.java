package dev.migrate.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * BIND 9 ({@code named -g -c named.conf}) on 127.0.0.1, run as root in the foreground with every
 * path in a fresh temporary directory.
 *
 * <pre>{@code
 * try (BindServer bind = BindServer.builder()
 *     .addPrimaryZone("example.test.", zoneText)
 *     .start()) {
 *   // bind.port(), bind.key() (TSIG: allowed to update and transfer), bind.zoneFile("example.test.")
 * }
 * }</pre>
 *
 * <p>Primary zones accept RFC 2136 updates and AXFR signed with {@link #key()} only; an unsigned
 * update is REFUSED. Updates go to {@code ZONE.db.jnl} beside the zone file, which BIND does not
 * rewrite (LAB-NOTES). NOTIFY is off unless a primary zone lists also-notify ports, and then goes to
 * those 127.0.0.1 ports only ({@code notify explicit}): plain {@code notify yes} would send NOTIFY to
 * the addresses of the zone's NS records, which may be off this machine.
 */
public final class BindServer extends LabServer {
  private final TsigKey key;
  private final Map<String, Zone> zones;

  private BindServer(Path dir, int port, TsigKey key, Map<String, Zone> zones) {
    super(dir, port);
    this.key = key;
    this.zones = zones;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The server's TSIG key: the one key allowed to update and transfer its primary zones. */
  public TsigKey key() {
    return key;
  }

  /**
   * The zone file of a zone (primary: the text given; secondary: what BIND wrote after a transfer,
   * in text format). Updates to a primary are in {@code <file>.jnl}, not in this file.
   */
  public Path zoneFile(String zone) {
    Zone z = zones.get(absolute(zone));
    if (z == null) {
      throw new IllegalArgumentException("no zone " + zone + " on this server; zones: " + zones.keySet());
    }
    return dir().resolve(z.file());
  }

  private record Zone(String name, boolean primary, String text, List<Integer> alsoNotify,
      int primaryPort, TsigKey primaryKey, Duration refresh) {
    String file() {
      return "zones/" + name + "db";
    }
  }

  /** Collects zones and options; {@link #start()} writes the config and runs named. */
  public static final class Builder {
    private int port;
    private TsigKey key;
    private boolean allowUpdate = true;
    private boolean transferToAnyone = false;
    private final Map<String, Zone> zones = new LinkedHashMap<>();

    private Builder() {}

    /**
     * With {@code false}, primary zones refuse every update ({@code allow-update { none; };}) while
     * still transferring to the key: a server whose policy says no, for tests of that refusal.
     */
    public Builder allowUpdate(boolean allow) {
      this.allowUpdate = allow;
      return this;
    }

    /**
     * With {@code true}, primary zones allow an unsigned AXFR from anyone on loopback, as some hosting
     * companies' nameservers do; by default only the key may transfer.
     */
    public Builder allowTransferToAnyone(boolean allow) {
      this.transferToAnyone = allow;
      return this;
    }

    /**
     * The port to listen on; by default {@link Ports#free()}. Set it when another server must know
     * the port before this one starts (a primary's also-notify to this secondary).
     */
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
     * A primary zone loaded from {@code zoneFileText} (origin = the zone name; it must have SOA and
     * NS, and in-zone NS names need an address record or named refuses to load it).
     *
     * @param alsoNotifyPorts 127.0.0.1 ports sent a TSIG-signed NOTIFY on every change; none means
     *     the zone sends no NOTIFY at all
     */
    public Builder addPrimaryZone(String zone, String zoneFileText, int... alsoNotifyPorts) {
      List<Integer> notify = new ArrayList<>();
      for (int p : alsoNotifyPorts) {
        notify.add(p);
      }
      return add(new Zone(absolute(zone), true, zoneFileText, notify, 0, null, null));
    }

    /**
     * A secondary zone transferred (AXFR/IXFR, signed with {@code primaryKey}) from a primary on
     * 127.0.0.1:{@code primaryPort}. The primary must be running when this server starts:
     * {@link #start()} waits for the first transfer.
     *
     * @param refreshHint if non-null, clamps the zone's refresh and retry timers to this (whole
     *     seconds, at least 1) so the secondary also polls the primary without a NOTIFY; null keeps
     *     the SOA's timers (BIND's default minimum refresh is 300 s)
     */
    public Builder addSecondaryZone(String zone, int primaryPort, TsigKey primaryKey, Duration refreshHint) {
      return add(new Zone(absolute(zone), false, null, List.of(), primaryPort, primaryKey, refreshHint));
    }

    private Builder add(Zone z) {
      if (zones.putIfAbsent(z.name(), z) != null) {
        throw new IllegalArgumentException("zone " + z.name() + " added twice");
      }
      return this;
    }

    /** Writes named.conf and zone files, starts named and waits until every zone answers SOA. */
    public BindServer start() {
      Path named = LabBinaries.require("named");
      TsigKey serverKey = key != null ? key : TsigKey.random("lab-key");
      int listenPort = port != 0 ? port : Ports.free();
      Path dir = newTempDir("bind");
      BindServer server = new BindServer(dir, listenPort, serverKey, Map.copyOf(zones));

      // Every key the config refers to, once per name.
      Map<String, TsigKey> keys = new LinkedHashMap<>();
      keys.put(serverKey.name(), serverKey);
      for (Zone z : zones.values()) {
        if (z.primaryKey() != null) {
          TsigKey prev = keys.putIfAbsent(z.primaryKey().name(), z.primaryKey());
          if (prev != null && !prev.equals(z.primaryKey())) {
            throw new IllegalArgumentException("two different TSIG keys named " + prev.name());
          }
        }
      }

      StringBuilder conf = new StringBuilder();
      conf.append("options {\n")
          .append("  directory ").append(quote(dir)).append(";\n")
          // Defaults are under /run/named, which need not exist or is another server's (LAB-NOTES).
          .append("  pid-file ").append(quote(dir.resolve("named.pid"))).append(";\n")
          .append("  session-keyfile ").append(quote(dir.resolve("session.key"))).append(";\n")
          .append("  listen-on port ").append(listenPort).append(" { 127.0.0.1; };\n")
          .append("  listen-on-v6 { none; };\n")
          .append("  recursion no;\n")
          .append("  dnssec-validation no;\n")
          // Zones opt in to NOTIFY with also-notify ports; see the class comment.
          .append("  notify no;\n")
          // The default 5 s pause before sending NOTIFY would slow every propagation test.
          .append("  notify-delay 0;\n")
          .append("};\n")
          // Without an empty controls block named opens rndc on 127.0.0.1:953 (LAB-NOTES).
          .append("controls { };\n");
      for (TsigKey k : keys.values()) {
        conf.append("key ").append(quote(k.name())).append(" {\n")
            .append("  algorithm ").append(k.algorithm()).append(";\n")
            .append("  secret ").append(quote(k.secret())).append(";\n")
            .append("};\n");
      }
      String keyRef = "key " + quote(serverKey.name()) + ";";
      for (Zone z : zones.values()) {
        conf.append("zone ").append(quote(z.name())).append(" {\n");
        if (z.primary()) {
          write(dir.resolve(z.file()), z.text());
          conf.append("  type primary;\n")
              .append("  file ").append(quote(z.file())).append(";\n")
              .append("  allow-update { ").append(allowUpdate ? keyRef : "none;").append(" };\n")
              .append("  allow-transfer { ").append(transferToAnyone ? "127.0.0.1;" : keyRef).append(" };\n");
          if (!z.alsoNotify().isEmpty()) {
            conf.append("  notify explicit;\n")
                .append("  also-notify { ")
                .append(z.alsoNotify().stream()
                    .map(p -> "127.0.0.1 port " + p + " " + keyRef)
                    .collect(Collectors.joining(" ")))
                .append(" };\n");
          }
        } else {
          write(dir.resolve("zones/.keep"), "");
          conf.append("  type secondary;\n")
              .append("  file ").append(quote(z.file())).append(";\n")
              // Text, not BIND's default raw format for secondaries, so tests can read the file.
              .append("  masterfile-format text;\n")
              .append("  primaries { 127.0.0.1 port ").append(z.primaryPort())
              .append(" key ").append(quote(z.primaryKey().name())).append("; };\n")
              .append("  allow-transfer { ").append(keyRef).append(" };\n");
          if (z.refresh() != null) {
            long s = Math.max(1, z.refresh().toSeconds());
            conf.append("  min-refresh-time ").append(s).append(";\n")
                .append("  max-refresh-time ").append(s).append(";\n")
                .append("  min-retry-time ").append(s).append(";\n")
                .append("  max-retry-time ").append(s).append(";\n");
          }
        }
        conf.append("};\n");
      }
      Path confFile = dir.resolve("named.conf");
      write(confFile, conf.toString());

      // -g: foreground, log to stderr (it ignores any logging block). No -u: stays root, so it can
      // write the journal in the temp dir. -n 1: one worker thread is plenty for a test.
      // named keeps running when a zone fails to load; its log then says "not loaded due to errors".
      server.launch("named", List.of(named.toString(), "-g", "-n", "1", "-c", confFile.toString()),
          java.util.regex.Pattern.compile("not loaded due to errors|loading configuration: failure"), () -> {
        if (zones.isEmpty()) {
          server.process().waitForTcp(listenPort, START_TIMEOUT);
        }
        for (Zone z : zones.values()) {
          server.process().waitForSoa(listenPort, z.name(), false, START_TIMEOUT);
        }
      });
      return server;
    }
  }
}
