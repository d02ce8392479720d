package dev.migrate.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * DNS over UDP for sweeps of thousands of queries: a few unconnected sockets (random ephemeral ports) shared
 * by every query, answers matched back by socket, server address and port, message ID and question (RFC
 * 5452 §9.1), one reader thread, timeouts checked every few milliseconds. dnsjava opens, binds and closes a
 * socket per query, which caps a sweep at a few thousand queries a second; this is what dnsperf does.
 *
 * <p>Unconnected sockets do not see ICMP port-unreachable errors: a silent address shows up here as a
 * timeout. That is why the probe asks each address's SOA through dnsjava (a connected socket) first and
 * only sweeps the RRsets of addresses that answered.
 */
final class UdpMux implements AutoCloseable {
    private static final int SOCKETS = 4;
    private static final int RECEIVE_BUFFER = 1 << 20; // bursts of hundreds of answers must not be dropped
    private static final long TICK_MS = 5;

    private record Key(int socket, InetSocketAddress server, int id) {}

    private record Pending(Name qname, int qtype, CompletableFuture<Message> result, long deadlineNanos) {}

    private final DatagramChannel[] channels = new DatagramChannel[SOCKETS];
    private final Selector selector;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
    private final Ids ids = new Ids();
    private final Thread reader;
    private volatile boolean open = true;
    private int next;

    UdpMux() throws IOException {
        selector = Selector.open();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                DatagramChannel c = DatagramChannel.open();
                c.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
                c.bind(null); // an ephemeral port the OS picks at random
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, i);
                channels[i] = c;
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        reader = new Thread(this::readLoop, "migrate-dns-udp");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Sends the query {@code wire} (a template: its first two bytes, the ID, are replaced) asking
     * {@code qname}/{@code qtype}, and completes with the matching answer or a timeout.
     */
    CompletableFuture<Message> send(InetSocketAddress server, byte[] wire, Name qname, int qtype, Duration timeout) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (!open) {
            result.completeExceptionally(new IOException("closed"));
            return result;
        }
        int socket;
        synchronized (this) {
            socket = next++ % SOCKETS;
        }
        Key key;
        Pending p = new Pending(qname, qtype, result, System.nanoTime() + timeout.toNanos());
        byte[] out = wire.clone();
        for (int attempt = 0; ; attempt++) {
            int id = ids.next();
            key = new Key(socket, server, id);
            if (pending.putIfAbsent(key, p) == null) {
                out[0] = (byte) (id >>> 8);
                out[1] = (byte) id;
                break;
            }
            if (attempt > 100) {
                result.completeExceptionally(new IOException("no free message ID for " + server));
                return result;
            }
        }
        try {
            int sent = channels[socket].send(ByteBuffer.wrap(out), server);
            if (sent == 0) throw new IOException("send buffer full");
        } catch (IOException | RuntimeException e) {
            pending.remove(key);
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Unpredictable 16-bit message IDs (RFC 5452 §9.2) without paying for a SecureRandom call per query:
     * 4 KB drawn at a time.
     */
    private static final class Ids {
        private final SecureRandom random = new SecureRandom();
        private final byte[] pool = new byte[4096];
        private int at = pool.length;

        synchronized int next() {
            if (at + 2 > pool.length) {
                random.nextBytes(pool);
                at = 0;
            }
            int id = ((pool[at] & 0xFF) << 8) | (pool[at + 1] & 0xFF);
            at += 2;
            return id;
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65535);
        long lastSweep = System.nanoTime();
        while (open) {
            try {
                selector.select(TICK_MS);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    int socket = (Integer) k.attachment();
                    DatagramChannel c = (DatagramChannel) k.channel();
                    for (int n = 0; n < 1024; n++) {
                        buf.clear();
                        InetSocketAddress from = (InetSocketAddress) c.receive(buf);
                        if (from == null) break;
                        buf.flip();
                        byte[] wire = new byte[buf.remaining()];
                        buf.get(wire);
                        deliver(socket, from, wire);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!open) break;
            }
            long now = System.nanoTime();
            if (now - lastSweep >= TICK_MS * 1_000_000) {
                lastSweep = now;
                expire(now);
            }
        }
    }

    private void deliver(int socket, InetSocketAddress from, byte[] wire) {
        if (wire.length < 12) return;
        int id = ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF);
        Key key = new Key(socket, from, id);
        Pending p = pending.get(key);
        if (p == null) return; // late, duplicate, or not ours: ignore like a resolver would
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException e) {
            return; // garbage with a matching ID: keep waiting for the real answer until the timeout
        }
        // The question must be ours (RFC 5452 §9.1), else it is not the answer to this query.
        if (m.getQuestion() == null || m.getQuestion().getType() != p.qtype() || m.getQuestion().getDClass() != DClass.IN
                || !m.getQuestion().getName().equals(p.qname())) {
            if (m.getQuestion() != null) return;
            // No question section: some servers answer FORMERR/REFUSED/NOTIMP that way; take it.
        }
        if (pending.remove(key, p)) p.result().complete(m);
    }

    private void expire(long now) {
        List<Key> late = new ArrayList<>();
        for (Map.Entry<Key, Pending> e : pending.entrySet()) {
            if (now - e.getValue().deadlineNanos() >= 0) late.add(e.getKey());
        }
        for (Key k : late) {
            Pending p = pending.remove(k);
            if (p != null) p.result().completeExceptionally(new SocketTimeoutException("timed out"));
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            selector.wakeup();
            if (reader != null) reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DatagramChannel c : channels) {
            try {
                if (c != null) c.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing
        }
        for (Pending p : pending.values()) p.result().completeExceptionally(new IOException("closed"));
        pending.clear();
    }
}
