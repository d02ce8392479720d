package dev.migrate.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Gives a lab nameserver on 127.0.0.1:HIGH_PORT a second face on port 53 of another loopback address
 * ({@code 127.53.x.y:53}), relaying UDP datagrams and TCP streams both ways. Nothing else.
 *
 * <p>Why it exists: NS records and glue carry addresses, never ports, and a resolver following a
 * delegation always asks port 53 (Unbound: the delegation point's targets get {@code UNBOUND_DNS_PORT};
 * seen here: a referral to 127.0.0.1 sent Unbound to 127.0.0.1#53). The lab servers stay on 127.0.0.1
 * high ports, where the tests and plans reach them as {@code IP:port}; the zone data (root hints, the
 * root's delegation of {@code test.}, the parent's glue for the child's nameservers) names these relay
 * addresses, so a real resolver can follow root -> parent -> child. The whole of 127.0.0.0/8 is local on
 * Linux, so binding {@code 127.53.x.y} needs no interface change; port 53 needs root, as the rest of the
 * lab does. The address block 127.53.0.0/16 is the lab's own: nothing on these machines listens there,
 * and {@link DelegationLab} picks a random {@code x} per lab so parallel runs do not collide.
 *
 * <p>UDP: each query gets a relay-chosen message ID towards the server (the client's ID is put back on
 * the answer), so one upstream socket serves every client. TCP: one upstream connection per client
 * connection, bytes copied both ways. Threads are daemons and stop on {@link #close()}.
 */
public final class PortRelay implements AutoCloseable {
  private static final int DNS_PORT = 53;
  private static final int MAX_DATAGRAM = 65535;

  private final InetSocketAddress listen;
  private final InetSocketAddress target;
  private final DatagramSocket front;
  private final DatagramSocket back;
  private final ServerSocket tcp;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Socket> streams = new CopyOnWriteArrayList<>();
  /** Outstanding UDP queries by the ID the relay gave them: who asked, and with which ID. */
  private final Asker[] askers = new Asker[65536];
  private int nextId = new java.security.SecureRandom().nextInt(65536);
  private volatile boolean open = true;

  private record Asker(InetSocketAddress client, int id) {}

  private PortRelay(InetSocketAddress listen, InetSocketAddress target) throws IOException {
    this.listen = listen;
    this.target = target;
    DatagramSocket f = null;
    DatagramSocket b = null;
    ServerSocket t = null;
    try {
      f = new DatagramSocket(listen);
      b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      t = new ServerSocket();
      t.setReuseAddress(true);
      t.bind(listen);
    } catch (IOException e) {
      for (AutoCloseable c : new AutoCloseable[] {f, b, t}) {
        closeQuietly(c);
      }
      throw e;
    }
    this.front = f;
    this.back = b;
    this.tcp = t;
  }

  /**
   * Relays {@code address}:53 to 127.0.0.1:{@code targetPort}.
   *
   * @throws IOException when the address cannot be bound (taken, or not root)
   */
  public static PortRelay start(InetAddress address, int targetPort) throws IOException {
    PortRelay r = new PortRelay(new InetSocketAddress(address, DNS_PORT),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    r.thread("udp-in", r::udpIn);
    r.thread("udp-out", r::udpOut);
    r.thread("tcp-accept", r::accept);
    return r;
  }

  /** The address resolvers are sent to, e.g. {@code 127.53.17.4} (port 53). */
  public InetAddress address() {
    return listen.getAddress();
  }

  /** The lab server behind it (127.0.0.1:port). */
  public int targetPort() {
    return target.getPort();
  }

  private void thread(String name, Runnable body) {
    Thread t = new Thread(body, "lab-relay-" + listen.getAddress().getHostAddress() + "-" + name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void udpIn() {
    byte[] buf = new byte[MAX_DATAGRAM];
    while (open) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        front.receive(p);
        if (p.getLength() < 12) {
          continue; // not a DNS message
        }
        byte[] msg = Arrays.copyOf(p.getData(), p.getLength());
        int clientId = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
        int id;
        synchronized (askers) {
          id = nextId;
          nextId = (nextId + 1) & 0xFFFF;
          askers[id] = new Asker((InetSocketAddress) p.getSocketAddress(), clientId);
        }
        msg[0] = (byte) (id >> 8);
        msg[1] = (byte) id;
        back.send(new DatagramPacket(msg, msg.length, target));
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  private void udpOut() {
    byte[] buf = new byte[MAX_DATAGRAM];
    while (open) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        back.receive(p);
        if (p.getLength() < 12 || !target.equals(p.getSocketAddress())) {
          continue;
        }
        byte[] msg = Arrays.copyOf(p.getData(), p.getLength());
        int id = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
        Asker a;
        synchronized (askers) {
          a = askers[id];
          askers[id] = null;
        }
        if (a == null) {
          continue; // late or duplicate
        }
        msg[0] = (byte) (a.id() >> 8);
        msg[1] = (byte) a.id();
        front.send(new DatagramPacket(msg, msg.length, a.client()));
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  private void accept() {
    while (open) {
      try {
        Socket client = tcp.accept();
        Socket server = new Socket();
        try {
          server.connect(target, 2000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(server);
          continue;
        }
        streams.add(client);
        streams.add(server);
        thread("tcp-up", () -> pump(client, server));
        thread("tcp-down", () -> pump(server, client));
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      streams.remove(from);
      streams.remove(to);
    }
  }

  @Override
  public void close() {
    open = false;
    closeQuietly(front);
    closeQuietly(back);
    closeQuietly(tcp);
    streams.forEach(PortRelay::closeQuietly);
    for (Thread t : threads) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing
    }
  }

  @Override
  public String toString() {
    return listen.getAddress().getHostAddress() + ":53 -> 127.0.0.1:" + target.getPort();
  }
}
