package dev.migrate.provider.sandbox;

import dev.migrate.dns.Names;
import dev.migrate.dns.ZoneSnapshot;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * A small authoritative-only nameserver for rehearsals and tests: it serves a set of zones on
 * 127.0.0.1, over UDP and TCP on one port number chosen by the system, so the real probes can query it
 * exactly as they query BIND or Knot. It never binds anything but loopback.
 *
 * <p>The zones it serves are replaced whole by {@link #publish}; each query reads one consistent set of
 * zones, so an answer never mixes two versions of a zone (as a real server's zone reload would not).
 *
 * <p>Threads: one receiving UDP, one accepting TCP, and two small fixed pools answering. Every blocking
 * socket call has a timeout so {@link #close()} ends everything within about a second.
 */
public final class SandboxNameserver implements AutoCloseable {
    /** Attempts at finding a port number free for both UDP and TCP. */
    static final int BIND_ATTEMPTS = 20;
    /** How often blocked receive/accept calls wake up to see whether the server is closing. */
    static final int POLL_MILLIS = 200;
    /**
     * RFC 7766 §6.2.3 lets servers close idle TCP connections; BIND's default is 30 s. Clients such as
     * dnsjava keep one connection per server and reuse it (RFC 7766 §6.2.1), and a close racing a new
     * query fails that query, so the sandbox is as patient as BIND rather than as strict as the RFC allows.
     */
    static final int TCP_IDLE_MILLIS = 30_000;
    /** A bound on one connection's loop; far more than a rehearsal sends. */
    static final int TCP_QUERIES_PER_CONNECTION = 65_536;
    static final int UDP_WORKERS = 4;
    /** Queued UDP queries beyond this are dropped; the client retries, as with any busy server. */
    static final int UDP_QUEUE = 1024;
    /**
     * A thread per open TCP connection (they are long-lived and mostly idle), up to this many; a
     * connection beyond it is closed at once and the client sees it, as with a busy server.
     */
    static final int TCP_CONNECTIONS = 64;

    private static final InetAddress LOOPBACK = loopback();

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final InetSocketAddress address;
    private final AtomicReference<Map<Name, ServedZone>> zones;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong queries = new AtomicLong();
    /** Open TCP connections, so close() can end reads that are waiting on an idle client. */
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor udpWorkers;
    private final ThreadPoolExecutor tcpWorkers;
    private final Thread udpReceiver;
    private final Thread tcpAcceptor;

    private SandboxNameserver(DatagramSocket udp, ServerSocket tcp, Map<Name, ServedZone> initial) {
        this.udp = udp;
        this.tcp = tcp;
        this.address = new InetSocketAddress(LOOPBACK, udp.getLocalPort());
        this.zones = new AtomicReference<>(Map.copyOf(initial));
        String label = "sandbox-dns-" + address.getPort();
        this.udpWorkers = new ThreadPoolExecutor(UDP_WORKERS, UDP_WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(UDP_QUEUE), threads(label + "-udp"), new ThreadPoolExecutor.DiscardPolicy());
        this.tcpWorkers = new ThreadPoolExecutor(0, TCP_CONNECTIONS, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads(label + "-tcp"), new ThreadPoolExecutor.AbortPolicy());
        this.udpReceiver = daemon(label + "-udp-receiver", this::receiveUdp);
        this.tcpAcceptor = daemon(label + "-tcp-acceptor", this::acceptTcp);
    }

    /**
     * Starts a server for {@code zones} on 127.0.0.1 and a free port. Each zone needs an SOA at its apex.
     *
     * @throws IOException when no port number free for both UDP and TCP was found in {@value #BIND_ATTEMPTS}
     *                     attempts
     */
    public static SandboxNameserver start(Collection<ZoneSnapshot> zones) throws IOException {
        Map<Name, ServedZone> served = new HashMap<>();
        for (ZoneSnapshot z : zones) {
            ServedZone s = ServedZone.of(z);
            if (served.put(s.origin(), s) != null) {
                throw new IllegalArgumentException("zone " + z.zone() + " given twice");
            }
        }
        return start(served);
    }

    static SandboxNameserver start(Map<Name, ServedZone> served) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            DatagramSocket udp = new DatagramSocket(null);
            ServerSocket tcp = null;
            try {
                udp.bind(new InetSocketAddress(LOOPBACK, 0));
                // The system picks a free UDP port; the same number may be taken for TCP by someone else,
                // in which case we let both go and try another.
                tcp = new ServerSocket();
                tcp.setReuseAddress(true); // lets a closed sandbox's port be reused despite TIME_WAIT
                tcp.bind(new InetSocketAddress(LOOPBACK, udp.getLocalPort()), 64);
                udp.setSoTimeout(POLL_MILLIS);
                udp.setReceiveBufferSize(1 << 20); // bursts of queries from parallel probes
                tcp.setSoTimeout(POLL_MILLIS);
                SandboxNameserver server = new SandboxNameserver(udp, tcp, served);
                server.udpReceiver.start();
                server.tcpAcceptor.start();
                return server;
            } catch (BindException e) {
                last = e;
                udp.close();
                if (tcp != null) tcp.close();
            } catch (IOException | RuntimeException e) {
                udp.close();
                if (tcp != null) tcp.close();
                throw e;
            }
        }
        throw new IOException("no port on 127.0.0.1 was free for both UDP and TCP after " + BIND_ATTEMPTS
                + " attempts", last);
    }

    /** Where to send queries: 127.0.0.1 and the port, the same for UDP and TCP. */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** Serves {@code zone} from now on, replacing the zone of that name or adding it. */
    public void publish(ZoneSnapshot zone) {
        publish(ServedZone.of(zone));
    }

    void publish(ServedZone zone) {
        zones.updateAndGet(current -> {
            Map<Name, ServedZone> next = new HashMap<>(current);
            next.put(zone.origin(), zone);
            return Map.copyOf(next);
        });
    }

    /** The zone as this server answers for it now, or null when it does not serve that zone. */
    public ZoneSnapshot served(String zone) {
        ServedZone z = zones.get().get(Names.toName(zone));
        return z == null ? null : z.snapshot();
    }

    /** Names of the zones served, absolute and lower case. */
    public Set<String> zones() {
        Set<String> out = new TreeSet<>();
        for (ServedZone z : zones.get().values()) out.add(z.snapshot().zone());
        return out;
    }

    /** Queries answered so far over both transports (for tests and the rehearsal's summary). */
    public long queries() {
        return queries.get();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Stops receiving, closes both sockets and waits (bounded) for the threads to end. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // Closing a listening socket has nothing left to report.
        }
        udpWorkers.shutdownNow();
        tcpWorkers.shutdownNow();
        // Blocking socket reads ignore interrupts; closing the socket is what wakes them.
        for (Socket s : connections) closeQuietly(s);
        try {
            udpReceiver.join(2_000);
            tcpAcceptor.join(2_000);
            udpWorkers.awaitTermination(2, TimeUnit.SECONDS);
            tcpWorkers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "sandbox nameserver " + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    // ---- UDP

    private void receiveUdp() {
        // 65535: a query is small, but an oversized datagram must not be silently cut and misparsed.
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed.get()) {
            packet.setLength(buffer.length);
            try {
                udp.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (closed.get() || udp.isClosed()) return;
                continue; // e.g. ICMP port unreachable surfacing from an earlier send: keep serving
            }
            byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
            try {
                udpWorkers.execute(() -> answerUdp(data, client));
            } catch (RejectedExecutionException e) {
                return; // shutting down
            }
        }
    }

    private void answerUdp(byte[] data, InetSocketAddress client) {
        Message query = parse(data);
        byte[] wire;
        if (query == null) {
            wire = formatError(data);
            if (wire == null) return;
        } else {
            if (query.getHeader().getFlag(Flags.QR)) return; // a response, not a query: never answer one
            Message response = Responder.respond(query, zones.get());
            wire = Responder.encode(response, Responder.udpLimit(query));
        }
        try {
            udp.send(new DatagramPacket(wire, wire.length, client));
            queries.incrementAndGet();
        } catch (IOException e) {
            // The client is gone or the socket is closing; UDP gives no one to tell.
        }
    }

    // ---- TCP

    private void acceptTcp() {
        while (!closed.get()) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (closed.get()) return;
                continue;
            }
            try {
                tcpWorkers.execute(() -> serveTcp(s));
            } catch (RejectedExecutionException e) {
                closeQuietly(s); // busy or closing: the client sees the connection close and retries
            }
        }
    }

    /** RFC 1035 §4.2.2: each message is preceded by its length in two bytes. */
    private void serveTcp(Socket s) {
        connections.add(s);
        try (s) {
            if (closed.get()) return; // close() may have run before this connection was registered
            s.setSoTimeout(TCP_IDLE_MILLIS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int n = 0; n < TCP_QUERIES_PER_CONNECTION && !closed.get(); n++) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return; // the client is done, or idle too long
                }
                byte[] data = new byte[length];
                in.readFully(data);
                Message query = parse(data);
                byte[] wire;
                if (query == null) {
                    wire = formatError(data);
                    if (wire == null) return;
                } else {
                    if (query.getHeader().getFlag(Flags.QR)) return;
                    wire = Responder.encode(Responder.respond(query, zones.get()), Responder.TCP_LIMIT);
                }
                byte[] framed = new byte[wire.length + 2];
                framed[0] = (byte) (wire.length >>> 8);
                framed[1] = (byte) wire.length;
                System.arraycopy(wire, 0, framed, 2, wire.length);
                out.write(framed); // one write: the length and message leave together (RFC 7766 §8)
                out.flush();
                queries.incrementAndGet();
            }
        } catch (IOException e) {
            // Connection reset, timeout mid-message or closing: nothing useful to do but drop it.
        } finally {
            connections.remove(s);
        }
    }

    // ---- helpers

    private static Message parse(byte[] data) {
        try {
            return new Message(data);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * FORMERR for a message we cannot parse but whose header we can (RFC 1035 §4.1.1), so the client
     * learns it sent garbage instead of timing out. Null when even the header is missing, or it is a
     * response.
     */
    private static byte[] formatError(byte[] data) {
        if (data.length < Header.LENGTH) return null;
        try {
            Header qh = new Header(java.util.Arrays.copyOf(data, Header.LENGTH));
            if (qh.getFlag(Flags.QR)) return null;
            Message m = new Message(qh.getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setOpcode(qh.getOpcode());
            m.getHeader().setRcode(Rcode.FORMERR);
            return m.toWire();
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to report about a connection we refuse.
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true); // a sandbox someone forgot to close must not keep the JVM alive
            return t;
        };
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static InetAddress loopback() {
        try {
            // By address, never by name: "localhost" may resolve to ::1 or through a hosts file.
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
