package dev.migrate.lab;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks loopback ports at run time, so parallel runs and leftovers from earlier runs do not collide
 * (LAB-NOTES: never use fixed ports).
 */
public final class Ports {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int MAX_ATTEMPTS = 100;
  /**
   * Ports already handed out in this JVM. The kernel may give the same ephemeral port twice once
   * the probe sockets are closed; two lab servers in one test (e.g. PowerDNS DNS + API port) must
   * not get the same one.
   */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  /**
   * Returns a port that was free on 127.0.0.1 for both TCP and UDP a moment ago (DNS servers need
   * both). The probe sockets are closed before returning, so there is a small window in which
   * another process could take it; server start-up fails loudly if that happens.
   */
  public static synchronized int free() {
    // A port the kernel offers again while it is already handed out (or whose UDP side is taken) stays
    // bound until the search ends: closed at once, the kernel may offer that same port on every try
    // (seen late in the full suite: 100 tries, one port).
    List<ServerSocket> passedOver = new ArrayList<>();
    try {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        ServerSocket tcp = new ServerSocket();
        passedOver.add(tcp);
        tcp.bind(new InetSocketAddress(LOOPBACK, 0));
        int port = tcp.getLocalPort();
        if (HANDED_OUT.contains(port)) {
          continue;
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
          HANDED_OUT.add(port);
          return port;
        } catch (IOException udpTaken) {
          // The UDP side is in use: try another port.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind a TCP socket on " + LOOPBACK, e);
    } finally {
      for (ServerSocket s : passedOver) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a probe
        }
      }
    }
    throw new IllegalStateException(
        "no port free for both TCP and UDP on " + LOOPBACK + " after " + MAX_ATTEMPTS + " attempts");
  }
}
