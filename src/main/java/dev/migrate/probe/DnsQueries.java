package dev.migrate.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * Many DNS queries in flight at once, without a thread per query, at most {@code maxInFlight} outstanding
 * so a sweep of thousands of RRsets neither exhausts sockets nor floods a server. Two paths:
 * {@link #query} uses dnsjava's {@code sendAsync} (a connected socket per query: ICMP port-unreachable is
 * seen at once; used for SOAs, resolvers and lookups), {@link #sweepQuery} the shared sockets of
 * {@link UdpMux} (for the bulk of a sweep: dnsjava's socket per query caps it at a few thousand a second).
 *
 * <p>Every query goes to an IP address given as an {@link InetSocketAddress}: never a host name, which
 * {@code SimpleResolver} would resolve through the system resolver and the JVM cache (DOMAIN.md, library
 * pitfalls). EDNS0 with a 1232-byte buffer (the DNS flag day 2020 size that avoids IP fragmentation);
 * a truncated UDP answer is asked again over TCP. A try that gets no answer within
 * {@code timeout} is repeated up to {@code tries} times; a DNS answer of any rcode is not retried, the
 * caller classifies it.
 */
final class DnsQueries implements AutoCloseable {
    /** The answer, or why there is none after every try (timeout, port unreachable, ...). */
    record Reply(Message message, String failure) {
        boolean answered() {
            return message != null;
        }
    }

    static final int EDNS_PAYLOAD = 1232;

    private final Duration timeout;
    private final int tries;
    private final Semaphore permits;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final Map<InetSocketAddress, SimpleResolver> resolvers = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, SimpleResolver> tcpResolvers = new ConcurrentHashMap<>();
    private UdpMux mux;
    // One thread parses answers and starts the next queries: callbacks never run on the caller's stack,
    // so thousands of immediate failures cannot recurse, and the selector thread only does I/O.
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "migrate-dns-callbacks");
        t.setDaemon(true);
        return t;
    });

    DnsQueries(Duration timeout, int tries, int maxInFlight) {
        if (tries < 1) throw new IllegalArgumentException("tries must be at least 1");
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1");
        this.timeout = timeout;
        this.tries = tries;
        this.permits = new Semaphore(maxInFlight);
    }

    Duration timeout() {
        return timeout;
    }

    int tries() {
        return tries;
    }

    /**
     * Asks {@code server} for {@code name}/{@code type}. {@code recursionDesired} false for authoritative
     * servers (RD=0: we want what this server itself holds, not what it could find out), true for
     * resolvers. Never completes exceptionally: a transport failure is a {@link Reply} with a reason.
     */
    CompletableFuture<Reply> query(InetSocketAddress server, Name name, int type, boolean recursionDesired) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        attempt(server, name, type, recursionDesired, null, timeout, 1, result);
        return result;
    }

    /**
     * The same over the shared sockets of {@link UdpMux}: for sweeps of many queries to addresses known to
     * answer (a silent port is only seen as a timeout there, see UdpMux).
     *
     * @param wire     the query's wire form, RD=0 or 1 as wanted ({@link #wire}); the mux writes a fresh ID
     *                 into each copy
     * @param firstTry the first try's timeout, at most {@link #timeout()}: a server that answered the SOA in
     *                 1 ms does not need 2 s to answer an A query, so a lost datagram is resent after a
     *                 multiple of its round trip, as resolvers do with their RTT-based retransmission timers;
     *                 later tries wait the full timeout
     */
    CompletableFuture<Reply> sweepQuery(InetSocketAddress server, Name name, int type, byte[] wire, Duration firstTry) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        attempt(server, name, type, (wire[2] & 0x01) != 0, wire, firstTry.compareTo(timeout) < 0 ? firstTry : timeout, 1, result);
        return result;
    }

    /** {@code wire} null: one dnsjava query on its own socket; else a sweep query through the mux. */
    private void attempt(InetSocketAddress server, Name name, int type, boolean rd, byte[] wire, Duration wait,
            int attempt, CompletableFuture<Reply> result) {
        waiting.add(() -> {
            CompletableFuture<Message> sent;
            try {
                if (wire != null) {
                    sent = mux().send(server, wire, name, type, wait).thenCompose(m -> m.getHeader().getFlag(Flags.TC)
                            // Truncated: the whole RRset only comes over TCP (RFC 7766); dnsjava does that one.
                            ? tcp(server).sendAsync(query(name, type, rd), callbacks).toCompletableFuture()
                            : CompletableFuture.completedFuture(m));
                } else {
                    // A fresh message per try: a fresh random ID, so a late answer to an earlier try is not
                    // mistaken for this one's. dnsjava adds EDNS0 (setEDNS) and retries over TCP on TC.
                    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
                    if (!rd) q.getHeader().unsetFlag(Flags.RD); // Message.newQuery sets RD (DOMAIN.md pitfalls)
                    sent = resolver(server).sendAsync(q, callbacks).toCompletableFuture();
                }
            } catch (IOException | RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((m, err) -> {
                if (err == null) {
                    // An answer always arrives on an I/O thread, never on this stack: handle it right there
                    // (releasing the slot sends the next query at once, as dnsperf does).
                    permits.release();
                    result.complete(new Reply(m, null));
                    drain();
                    return;
                }
                // A failure may be immediate (on this very stack): go through the executor so thousands of
                // them cannot recurse.
                callbacks.execute(() -> {
                    permits.release();
                    if (attempt < tries && retryable(err)) {
                        attempt(server, name, type, rd, wire, timeout, attempt + 1, result);
                    } else {
                        result.complete(new Reply(null, describe(err, timeout) + (attempt > 1 ? " (" + attempt + " tries)" : "")));
                    }
                    drain();
                });
            });
        });
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty() && permits.tryAcquire()) {
            Runnable next = waiting.poll();
            if (next == null) {
                permits.release();
                continue;
            }
            next.run();
        }
    }

    /** An RD=0 (or 1) EDNS0 query. */
    private static Message query(Name name, int type, boolean rd) {
        Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (!rd) q.getHeader().unsetFlag(Flags.RD); // Message.newQuery sets RD (DOMAIN.md pitfalls)
        q.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        return q;
    }

    /** A query's wire form for {@link #sweepQuery}: built once per question, not once per address and try. */
    static byte[] wire(Name name, int type, boolean rd) {
        return query(name, type, rd).toWire(65535);
    }

    private synchronized UdpMux mux() throws IOException {
        if (mux == null) mux = new UdpMux();
        return mux;
    }

    private SimpleResolver tcp(InetSocketAddress server) {
        return tcpResolvers.computeIfAbsent(server, a -> {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(timeout);
            r.setTCP(true);
            r.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
            return r;
        });
    }

    private SimpleResolver resolver(InetSocketAddress server) {
        return resolvers.computeIfAbsent(server, a -> {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(timeout);
            r.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
            return r;
        });
    }

    private static boolean retryable(Throwable err) {
        // Malformed or mismatched answers are retried like silence: a retry gets a new ID and socket.
        return true;
    }

    /** An operator's words for a failed query. */
    static String describe(Throwable err, Duration timeout) {
        Throwable e = err;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof PortUnreachableException) return "port unreachable (nothing listens there)";
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (mux != null) mux.close();
        }
        callbacks.shutdownNow();
    }
}
