package dev.migrate.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS of a provider move, on loopback: a lab root ({@code .}), the parent zone ({@code test.}) that
 * delegates the moving zone, the old provider (BIND, RFC 2136) and the new one (PowerDNS, HTTP API), and
 * Unbound resolving from the lab root, so a test sees what the world's resolvers see while the delegation
 * moves.
 *
 * <pre>{@code
 * try (DelegationLab lab = DelegationLab.builder().records("www IN A 192.0.2.10\n").start()) {
 *   lab.registrar(lab.newNameservers(), 60);    // nsupdate at the parent, as a registrar would
 *   // lab.resolver().port(): Unbound; lab.parentAddress(), lab.newServerAddress(): 127.0.0.1:PORT for plans
 * }
 * }</pre>
 *
 * <p>Every server listens on 127.0.0.1 on a high port; that is where tests and plans reach them
 * ({@code IP:port}). NS records and glue cannot carry ports and a resolver asks port 53, so each
 * nameserver name the zones publish has an address {@code 127.53.R.n} (R random per lab) where a
 * {@link PortRelay} forwards port 53 to the server's high port:
 *
 * <table>
 *   <caption>names, relay addresses and servers</caption>
 *   <tr><td>{@code a.root.lab.}</td><td>127.53.R.1</td><td>root (BIND)</td></tr>
 *   <tr><td>{@code ns.nic.test.}</td><td>127.53.R.2</td><td>parent {@code test.} (BIND, TSIG updates: the registrar)</td></tr>
 *   <tr><td>{@code ns1/ns2.old-dns.test.}</td><td>127.53.R.3, .4</td><td>old provider (BIND)</td></tr>
 *   <tr><td>{@code ns1/ns2.new-dns.test.}</td><td>127.53.R.5, .6</td><td>new provider (PowerDNS)</td></tr>
 * </table>
 *
 * <p>The nameservers' names live in the parent zone itself ({@code old-dns.test.}, {@code new-dns.test.}
 * are not delegated), as a provider's names under the same TLD would: the parent answers their addresses
 * with authority, and the delegation is just the {@code shop.test. NS} RRset a registrar replaces.
 */
public final class DelegationLab implements AutoCloseable {
  public static final String ROOT_NS = "a.root.lab.";
  public static final String PARENT = "test.";
  public static final String PARENT_NS = "ns.nic.test.";
  public static final List<String> OLD_NS = List.of("ns1.old-dns.test.", "ns2.old-dns.test.");
  public static final List<String> NEW_NS = List.of("ns1.new-dns.test.", "ns2.new-dns.test.");
  private static final int RELAYS = 6;
  private static final int ADDRESS_TRIES = 20;

  private final String zone;
  private final List<PortRelay> relays;
  private final BindServer root;
  private final BindServer parent;
  private final BindServer oldProvider;
  private final PowerDnsServer newProvider;
  private final UnboundServer resolver;

  private DelegationLab(String zone, List<PortRelay> relays, BindServer root, BindServer parent,
      BindServer oldProvider, PowerDnsServer newProvider, UnboundServer resolver) {
    this.zone = zone;
    this.relays = relays;
    this.root = root;
    this.parent = parent;
    this.oldProvider = oldProvider;
    this.newProvider = newProvider;
    this.resolver = resolver;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The moving zone, e.g. {@code shop.test.}. */
  public String zone() {
    return zone;
  }

  public BindServer root() {
    return root;
  }

  /** The parent zone's server: {@link #registrar} changes the delegation here. */
  public BindServer parent() {
    return parent;
  }

  /** Where the zone lives today (rfc2136 with {@code oldProvider().key()}). */
  public BindServer oldProvider() {
    return oldProvider;
  }

  /** Where the zone moves (the API at {@code newProvider().apiUrl()}). */
  public PowerDnsServer newProvider() {
    return newProvider;
  }

  /** Unbound resolving from the lab root: what the world's resolvers see. */
  public UnboundServer resolver() {
    return resolver;
  }

  /** The parent's server as a plan lists it: {@code 127.0.0.1:PORT}. */
  public String parentAddress() {
    return "127.0.0.1:" + parent.port();
  }

  /** The old provider's server as a plan lists it. */
  public String oldServerAddress() {
    return "127.0.0.1:" + oldProvider.port();
  }

  /** The new provider's server as a plan lists it ({@code move.servers}). */
  public String newServerAddress() {
    return "127.0.0.1:" + newProvider.dnsPort();
  }

  public List<String> oldNameservers() {
    return OLD_NS;
  }

  public List<String> newNameservers() {
    return NEW_NS;
  }

  /**
   * The port-53 address the zones give a nameserver name ({@code ns1.new-dns.test.} -> 127.53.R.5); the
   * relay there forwards to the server's high port.
   */
  public InetAddress addressOf(String nameserver) {
    String n = LabServer.absolute(nameserver);
    int i;
    if (n.equals(ROOT_NS)) {
      i = 0;
    } else if (n.equals(PARENT_NS)) {
      i = 1;
    } else if (OLD_NS.contains(n)) {
      i = 2 + OLD_NS.indexOf(n);
    } else if (NEW_NS.contains(n)) {
      i = 4 + NEW_NS.indexOf(n);
    } else {
      throw new IllegalArgumentException("no nameserver " + nameserver + " in this lab");
    }
    return relays.get(i).address();
  }

  /**
   * What a registrar does: replaces the zone's NS RRset at the parent with {@code nameservers} at
   * {@code ttl}, by nsupdate signed with the parent's key.
   */
  public void registrar(List<String> nameservers, long ttl) {
    List<String> commands = new ArrayList<>();
    commands.add("update delete " + zone + " NS");
    for (String ns : nameservers) {
      commands.add("update add " + zone + " " + ttl + " NS " + LabServer.absolute(ns));
    }
    Nsupdate.run(parent.port(), parent.key(), PARENT, commands.toArray(String[]::new));
  }

  /** Puts a DS RRset for the zone at the parent ({@code data}: "KEYTAG ALG DIGESTTYPE HEX"), as a registrar would. */
  public void addDs(String data, long ttl) {
    Nsupdate.run(parent.port(), parent.key(), PARENT, "update add " + zone + " " + ttl + " DS " + data);
  }

  /** Removes every DS of the zone at the parent. */
  public void removeDs() {
    Nsupdate.run(parent.port(), parent.key(), PARENT, "update delete " + zone + " DS");
  }

  /** Stops every server and relay (by PID / socket) and deletes their directories. */
  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {resolver, newProvider, oldProvider, parent, root}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // keep closing the others
        }
      }
    }
    relays.forEach(PortRelay::close);
  }

  /** Options; {@link #start()} starts relays, root, parent, both providers and Unbound. */
  public static final class Builder {
    private String zone = "shop.test.";
    private String records = "";
    private String newRecords = "";
    private long parentNsTtl = 60;
    private long childNsTtl = 60;
    private boolean newZone = true;

    private Builder() {}

    /** The moving zone, directly under {@code test.} (default {@code shop.test.}). */
    public Builder zone(String zone) {
      String z = LabServer.absolute(zone);
      if (!z.endsWith("." + PARENT) || z.substring(0, z.length() - PARENT.length() - 1).contains(".")) {
        throw new IllegalArgumentException("the lab's moving zone is one label under test.: " + zone);
      }
      this.zone = z;
      return this;
    }

    /** Zone-file lines (origin = the zone) the old provider serves besides its SOA and apex NS. */
    public Builder records(String zoneFileLines) {
      this.records = zoneFileLines;
      return this;
    }

    /** Lines the new provider's zone holds from the start besides its own SOA and apex NS. */
    public Builder newRecords(String zoneFileLines) {
      this.newRecords = zoneFileLines;
      return this;
    }

    /** The TTL of the delegation (the zone's NS RRset at the parent); default 60 s. */
    public Builder parentNsTtl(long seconds) {
      this.parentNsTtl = seconds;
      return this;
    }

    /** The TTL of the apex NS RRset in the old and new zones; default 60 s. */
    public Builder childNsTtl(long seconds) {
      this.childNsTtl = seconds;
      return this;
    }

    /**
     * With {@code false} the new provider starts without the zone (as before the operator adds it there);
     * by default it holds the zone with only its own SOA and apex NS, as a provider creates it.
     */
    public Builder newZone(boolean create) {
      this.newZone = create;
      return this;
    }

    public DelegationLab start() {
      int rootPort = Ports.free();
      int parentPort = Ports.free();
      int oldPort = Ports.free();
      int newPort = Ports.free();
      List<PortRelay> relays = relays(new int[] {rootPort, parentPort, oldPort, oldPort, newPort, newPort});
      BindServer root = null;
      BindServer parent = null;
      BindServer old = null;
      PowerDnsServer pdns = null;
      UnboundServer unbound = null;
      try {
        String a = ip(relays.get(0));
        root = BindServer.builder().port(rootPort).addPrimaryZone(".", """
            $TTL 3600
            @ IN SOA %1$s hostmaster.root.lab. 1 3600 600 86400 60
            @ IN NS %1$s
            %1$s IN A %2$s
            test. IN NS %3$s
            %3$s IN A %4$s
            """.formatted(ROOT_NS, a, PARENT_NS, ip(relays.get(1)))).start();
        StringBuilder parentZone = new StringBuilder("""
            $TTL 3600
            @ IN SOA %1$s hostmaster.nic.test. 1 3600 600 86400 60
            @ IN NS %1$s
            %1$s IN A %2$s
            """.formatted(PARENT_NS, ip(relays.get(1))));
        for (int i = 0; i < 2; i++) {
          parentZone.append(OLD_NS.get(i)).append(" IN A ").append(ip(relays.get(2 + i))).append('\n');
          parentZone.append(NEW_NS.get(i)).append(" IN A ").append(ip(relays.get(4 + i))).append('\n');
        }
        for (String ns : OLD_NS) {
          parentZone.append(zone).append(' ').append(parentNsTtl).append(" IN NS ").append(ns).append('\n');
        }
        parent = BindServer.builder().port(parentPort).addPrimaryZone(PARENT, parentZone.toString()).start();
        old = BindServer.builder().port(oldPort).addPrimaryZone(zone, childZone(OLD_NS, records)).start();
        pdns = PowerDnsServer.builder().port(newPort).start();
        if (newZone) {
          pdns.createZone(zone, childZone(NEW_NS, newRecords));
        }
        unbound = UnboundServer.builder()
            .rootHints(". 3600000 IN NS " + ROOT_NS + "\n" + ROOT_NS + " 3600000 IN A " + a + "\n")
            .resolvable(PARENT)
            .start();
        return new DelegationLab(zone, relays, root, parent, old, pdns, unbound);
      } catch (RuntimeException | Error e) {
        for (AutoCloseable c : new AutoCloseable[] {unbound, pdns, old, parent, root}) {
          if (c != null) {
            try {
              c.close();
            } catch (Exception ignored) {
              // already failing
            }
          }
        }
        relays.forEach(PortRelay::close);
        throw e;
      }
    }

    private String childZone(List<String> nameservers, String lines) {
      StringBuilder z = new StringBuilder("$TTL 300\n@ IN SOA " + nameservers.get(0)
          + " hostmaster." + zone + " 1 3600 600 86400 60\n");
      for (String ns : nameservers) {
        z.append("@ ").append(childNsTtl).append(" IN NS ").append(ns).append('\n');
      }
      return z.append(lines).toString();
    }

    private static String ip(PortRelay r) {
      return r.address().getHostAddress();
    }

    /**
     * Relays 127.53.R.1..6 to the ports, R random; another R when one of them is taken (a parallel run).
     *
     * @throws AssertionError when port 53 cannot be bound at all (the lab needs root, as for BIND)
     */
    private static List<PortRelay> relays(int[] ports) {
      SecureRandom random = new SecureRandom();
      IOException last = null;
      for (int attempt = 0; attempt < ADDRESS_TRIES; attempt++) {
        int r = 1 + random.nextInt(254);
        List<PortRelay> started = new ArrayList<>();
        try {
          for (int i = 0; i < RELAYS; i++) {
            started.add(PortRelay.start(InetAddress.getByAddress(new byte[] {127, 53, (byte) r, (byte) (i + 1)}),
                ports[i]));
          }
          return List.copyOf(started);
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        } catch (IOException e) {
          last = e;
          started.forEach(PortRelay::close);
        }
      }
      throw new AssertionError("cannot bind port 53 on 127.53.x.y for the lab's nameserver addresses (the lab"
          + " runs as root, as BIND needs): " + last);
    }
  }
}
