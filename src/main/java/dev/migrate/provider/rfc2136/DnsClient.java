package dev.migrate.provider.rfc2136;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.MessageSizeExceededException;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * One server, one TSIG key, one TCP connection kept open and shared by every request (RFC 7766 §6.2.1:
 * a client may send several requests on one connection and match answers by message ID), so that a run
 * pays the TCP handshake once and not per request. Queries, updates and zone transfers all go over it.
 * Each call comes back as a response whose TSIG verified, or as a classified {@link ProviderException};
 * it never retries (the provider decides that).
 *
 * <p><b>Deadlines.</b> Every request's answer must arrive within {@code timeout} of its sending (for a
 * transfer: each message within {@code timeout} of the one before, and the whole within
 * {@code transferTimeout}); a request is written within {@code timeout} too, or the connection is
 * dropped. So a server that accepts the connection and never answers (a stopped process) fails a request
 * after {@code timeout}, never later. A request that failed for the connection's sake (a timeout, a
 * closed or broken connection) drops the connection; the next request opens a new one.
 *
 * <p>Thread-safe: requests from several threads share the connection.
 */
final class DnsClient implements AutoCloseable {
    /** A DNS message over TCP carries at most 65535 bytes (RFC 1035 §4.2.2 length prefix). */
    static final int MAX_MESSAGE = 65535;
    /**
     * Servers close idle connections (BIND after 30 s, Knot after 10 s by default). A connection idle for
     * longer than this is replaced before a request, rather than risk a write the server has just stopped
     * reading: for an UPDATE that would leave its outcome unknown.
     */
    static final Duration IDLE = Duration.ofSeconds(2);
    /** Queries of one {@link #queryAll} in flight at once; more only queue up in the server. */
    static final int IN_FLIGHT = 64;

    /** Bounds writes: a blocked write on a connection whose peer stopped reading is cut off by closing it. */
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private final InetSocketAddress server;
    private final TsigKeySpec tsigSpec;
    /** One TSIG context for the server, built once (dnsjava's TSIG is safe to share between threads). */
    private final TSIG tsig;
    private final Duration timeout;
    private final Duration transferTimeout;
    private final String shown;
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final Object connecting = new Object();
    private Connection connection; // guarded by connecting
    private volatile boolean closed;

    DnsClient(InetSocketAddress server, TsigKeySpec tsig, Duration timeout, Duration transferTimeout) {
        this.server = server;
        this.tsigSpec = tsig;
        this.tsig = tsig == null ? null : tsig.toTsig();
        this.timeout = timeout;
        this.transferTimeout = transferTimeout;
        this.shown = ServerAddress.show(server);
    }

    String server() {
        return shown;
    }

    Duration timeout() {
        return timeout;
    }

    /** TCP connections opened so far (tests: one per run unless the server dropped it). */
    long connectionsOpened() {
        return connectionsOpened.get();
    }

    Failures failures(String zone, String operation) {
        return new Failures(shown, zone, operation, tsigSpec);
    }

    /**
     * At most the bytes {@code request} takes on the wire as this client sends it: compressed as sent,
     * plus the longest TSIG record the key makes (dnsjava's own bound, RFC 8945 §4.2), when a key is set.
     */
    int wireLength(Message request) {
        return request.toWire().length + (tsig == null ? 0 : tsig.recordLength());
    }

    /**
     * Sends one message and returns the response after the TSIG checks; the rcode is left to the caller
     * (a conflict needs different handling from a refusal).
     */
    Message exchange(Message request, Failures f) throws ProviderException {
        Pending p = send(request, f);
        try {
            return p.answer(f);
        } finally {
            p.close();
        }
    }

    /** RD=0 query to the primary itself; requires an authoritative answer. */
    Message query(Name name, int type, String zone) throws ProviderException {
        return queryAll(List.of(name), List.of(type), zone).get(0);
    }

    /**
     * RD=0 queries to the primary, several in flight on the connection at once; answers in the order of
     * the questions, each authoritative and NOERROR or NXDOMAIN.
     */
    List<Message> queryAll(List<Name> names, List<Integer> types, String zone) throws ProviderException {
        int n = names.size();
        List<Message> out = new ArrayList<>(n);
        List<Pending> inFlight = new ArrayList<>();
        List<Failures> why = new ArrayList<>();
        int next = 0;
        try {
            while (out.size() < n) {
                while (next < n && next - out.size() < IN_FLIGHT) {
                    Name name = names.get(next);
                    int type = types.get(next);
                    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
                    // newQuery sets RD; an authoritative server must answer from its own data (DOMAIN.md).
                    q.getHeader().unsetFlag(Flags.RD);
                    Failures f = failures(zone, "query for " + name + " " + Type.string(type));
                    inFlight.add(send(q, f));
                    why.add(f);
                    next++;
                }
                int i = out.size();
                Pending p = inFlight.get(i);
                Message m = p.answer(why.get(i));
                p.close();
                out.add(authoritative(m, names.get(i), zone, why.get(i)));
            }
            return out;
        } finally {
            for (Pending p : inFlight) p.close();
        }
    }

    private Message authoritative(Message m, Name name, String zone, Failures f) throws ProviderException {
        int rcode = m.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) throw f.forRcode(rcode);
        if (!m.getHeader().getFlag(Flags.AA)) {
            throw new ProviderException(Kind.NOT_FOUND, shown + " is not authoritative for zone " + zone
                    + " (its answer for " + name + " lacks the AA bit): point server at the zone's primary");
        }
        return m;
    }

    /** The whole zone by AXFR (RFC 5936), signed when a key is set. */
    TransferReader.Result axfr(Name zone) throws ProviderException {
        Message q = Message.newQuery(Record.newRecord(zone, Type.AXFR, DClass.IN));
        return transfer(q, TransferReader.axfr(), failures(zone.toString(), "zone transfer (AXFR)"));
    }

    /** What changed since {@code since} by IXFR (RFC 1995), signed when a key is set. */
    TransferReader.Result ixfr(Name zone, SOARecord since) throws ProviderException {
        Message q = Message.newQuery(Record.newRecord(zone, Type.IXFR, DClass.IN));
        q.addRecord(since, Section.AUTHORITY);
        return transfer(q, TransferReader.ixfr(since.getSerial()), failures(zone.toString(), "zone transfer (IXFR)"));
    }

    private TransferReader.Result transfer(Message q, TransferReader reader, Failures f) throws ProviderException {
        q.getHeader().unsetFlag(Flags.RD);
        long whole = System.nanoTime() + transferTimeout.toNanos();
        Pending p = send(q, f);
        try {
            TSIG.StreamVerifier verifier = tsig == null ? null : new TSIG.StreamVerifier(tsig, p.sentTsig);
            boolean first = true;
            while (true) {
                Answer a = p.next(Math.min(whole, System.nanoTime() + timeout.toNanos()),
                        whole - System.nanoTime() < timeout.toNanos() ? transferTimeout : timeout, f);
                Message m = a.message();
                if (first) {
                    TSIGRecord t = m.getTSIG();
                    if (t != null && t.getError() != Rcode.NOERROR) throw f.forTsigError(t.getError());
                    if (m.getRcode() != Rcode.NOERROR) {
                        ProviderException e = f.forRcode(m.getRcode());
                        throw e != null ? e : f.forRcode(Rcode.SERVFAIL);
                    }
                }
                if (verifier != null) {
                    int error = verifier.verify(m, a.wire());
                    if (error != Rcode.NOERROR) throw f.unverified(m.isSigned());
                }
                if (m.getRcode() != Rcode.NOERROR) throw f.forRcode(m.getRcode());
                try {
                    reader.feed(m.getSection(Section.ANSWER));
                } catch (IllegalStateException broken) {
                    p.drop();
                    throw new ProviderException(Kind.SERVER, shown + ": the " + f.operation() + " of zone " + f.zone()
                            + " is malformed: " + broken.getMessage());
                }
                first = false;
                if (reader.done()) {
                    // RFC 8945 §5.3.1: the last message of a signed transfer must be signed too.
                    if (verifier != null && !m.isVerified()) throw f.unverified(m.isSigned());
                    return reader.result();
                }
            }
        } finally {
            p.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (connecting) {
            if (connection != null) connection.fail(new ClosedChannelException());
            connection = null;
        }
    }

    // ---- one request on the connection

    /** The answer bytes as received and parsed. */
    private record Answer(byte[] wire, Message message) {}

    /** A request sent and its answers to come: registered on the connection by message ID until closed. */
    private final class Pending implements AutoCloseable {
        final Connection connection;
        final int id;
        final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        TSIGRecord sentTsig;
        Record question;
        long sentAt;

        Pending(Connection connection, int id) {
            this.connection = connection;
            this.id = id;
        }

        /** The single answer to a query or update, its TSIG checked. */
        Message answer(Failures f) throws ProviderException {
            Answer a = next(sentAt + timeout.toNanos(), timeout, f);
            Message m = a.message();
            TSIGRecord t = m.getTSIG();
            if (t != null && t.getError() != Rcode.NOERROR) throw f.forTsigError(t.getError());
            if (tsig == null) return m;
            tsig.verify(m, a.wire(), sentTsig);
            if (m.isVerified()) return m;
            // dnsjava only logs a bad signature (DOMAIN.md): the check is ours. An unverified error answer
            // is still a failure; only answers we would act on need the proof.
            int rcode = m.getRcode();
            if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) throw f.unverified(m.isSigned());
            return m;
        }

        /** The next message for this request, by {@code deadline} (System.nanoTime). */
        Answer next(long deadline, Duration bound, Failures f) throws ProviderException {
            Object o;
            try {
                long wait = deadline - System.nanoTime();
                o = wait <= 0 ? answers.poll() : answers.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drop();
                throw new ProviderException(Kind.TIMEOUT, "interrupted while waiting for " + shown);
            }
            if (o == null) {
                // No answer in time: the server is stopped, overloaded or gone. Its late answer must not be
                // taken for another's, and a half-sent transfer would block the connection: drop it.
                SocketTimeoutException e = new SocketTimeoutException("timed out");
                connection.fail(e);
                throw f.forIo(e, bound);
            }
            if (o instanceof IOException e) throw f.forIo(e, bound);
            byte[] wire = (byte[]) o;
            Message m;
            try {
                m = new Message(wire);
            } catch (IOException e) {
                drop();
                throw new ProviderException(Kind.SERVER, shown + ": the answer to the " + f.operation() + " for zone "
                        + f.zone() + " cannot be parsed: " + e.getMessage(), e);
            }
            // Matched by message ID only so far; an answer to another question is not this request's.
            Record asked = question;
            Record got = m.getQuestion();
            if (asked != null && got != null && (!asked.getName().equals(got.getName()) || asked.getType() != got.getType())) {
                drop();
                throw new ProviderException(Kind.SERVER, shown + " answered the " + f.operation() + " for zone "
                        + f.zone() + " with an answer to another question (" + got.getName() + " "
                        + org.xbill.DNS.Type.string(got.getType()) + ")");
            }
            return new Answer(wire, m);
        }

        void drop() {
            connection.fail(new EOFException("dropped after a bad answer"));
        }

        @Override
        public void close() {
            connection.waiting.remove(id, answers);
        }
    }

    /** Signs and writes {@code request} on the connection; its answers go to the returned {@link Pending}. */
    private Pending send(Message request, Failures f) throws ProviderException {
        Connection c;
        try {
            c = connection();
        } catch (IOException e) {
            throw f.forIo(e, timeout);
        }
        Pending p = c.register();
        p.question = request.getQuestion();
        request.getHeader().setID(p.id);
        if (tsig != null) request.setTSIG(tsig);
        byte[] wire;
        try {
            wire = request.toWire(MAX_MESSAGE, false);
        } catch (MessageSizeExceededException e) {
            p.close();
            throw new ProviderException(Kind.INVALID, "the " + f.operation() + " for zone " + f.zone()
                    + " does not fit one DNS message (" + MAX_MESSAGE + " bytes)");
        }
        if (tsig != null) {
            try {
                // dnsjava keeps the signature it generated to itself: read it back from what is sent.
                p.sentTsig = new Message(wire).getTSIG();
            } catch (IOException e) {
                p.close();
                throw new IllegalStateException("a message dnsjava wrote does not parse", e);
            }
        }
        try {
            p.sentAt = System.nanoTime();
            c.write(wire, p.sentAt + timeout.toNanos());
        } catch (IOException e) {
            p.close();
            throw f.forIo(e, timeout);
        }
        return p;
    }

    /** The open connection, or a new one when there is none, it broke, or it sat idle too long. */
    private Connection connection() throws IOException {
        synchronized (connecting) {
            if (closed) throw new ClosedChannelException();
            Connection c = connection;
            if (c != null && c.broken == null
                    && (System.nanoTime() - c.lastUsed < IDLE.toNanos() || !c.waiting.isEmpty())) {
                return c;
            }
            if (c != null) c.fail(new EOFException("replaced"));
            connection = null;
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(server, (int) Math.max(1, timeout.toMillis()));
                ch.socket().setTcpNoDelay(true);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            connectionsOpened.incrementAndGet();
            connection = new Connection(ch);
            return connection;
        }
    }

    /** One TCP connection: a reader thread hands each answer to the request waiting for its ID. */
    private final class Connection {
        final SocketChannel channel;
        final Map<Integer, BlockingQueue<Object>> waiting = new ConcurrentHashMap<>();
        final Object writing = new Object();
        volatile IOException broken;
        volatile long lastUsed = System.nanoTime();

        Connection(SocketChannel channel) {
            this.channel = channel;
            Thread t = new Thread(this::readLoop, "migrate-rfc2136-" + shown);
            t.setDaemon(true);
            t.start();
        }

        Pending register() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int tries = 0; ; tries++) {
                int id = random.nextInt(0x10000);
                Pending p = new Pending(this, id);
                if (waiting.putIfAbsent(id, p.answers) == null) {
                    // Registered after the connection broke: hand over the failure at once.
                    IOException b = broken;
                    if (b != null) p.answers.add(b);
                    return p;
                }
                if (tries > 1000) throw new IllegalStateException("no free message ID on the connection");
            }
        }

        void write(byte[] wire, long deadline) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(wire.length + 2);
            buf.putShort((short) wire.length).put(wire).flip();
            synchronized (writing) {
                IOException b = broken;
                if (b != null) throw b;
                long wait = Math.max(1, deadline - System.nanoTime());
                ScheduledFuture<?> guard = WATCHDOG.schedule(() -> fail(new SocketTimeoutException("timed out")),
                        wait, TimeUnit.NANOSECONDS);
                try {
                    while (buf.hasRemaining()) channel.write(buf);
                } catch (IOException e) {
                    IOException why = broken != null ? broken : e;
                    fail(why);
                    throw why;
                } finally {
                    guard.cancel(false);
                }
                lastUsed = System.nanoTime();
            }
        }

        private void readLoop() {
            ByteBuffer length = ByteBuffer.allocate(2);
            try {
                while (true) {
                    length.clear();
                    readFully(length);
                    int n = length.getShort(0) & 0xffff;
                    ByteBuffer body = ByteBuffer.allocate(n);
                    readFully(body);
                    byte[] wire = body.array();
                    lastUsed = System.nanoTime();
                    if (n < 12) throw new EOFException("a message shorter than a DNS header");
                    BlockingQueue<Object> q = waiting.get((wire[0] & 0xff) << 8 | wire[1] & 0xff);
                    if (q != null) q.add(wire); // a late answer to a request given up on is dropped
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        private void readFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (channel.read(buf) < 0) throw new EOFException("the server closed the connection");
            }
        }

        /** Marks the connection broken, closes it and wakes every request waiting on it. */
        void fail(IOException why) {
            synchronized (waiting) {
                if (broken == null) broken = why;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            for (BlockingQueue<Object> q : waiting.values()) q.add(broken);
        }
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "migrate-rfc2136-write-deadline");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}
