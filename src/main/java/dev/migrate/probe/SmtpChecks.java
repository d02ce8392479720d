package dev.migrate.probe;

import dev.migrate.plan.SmtpCheck;
import dev.migrate.probe.ServiceChecks.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The {@code smtp} check: talks to a mail host as a sending MTA would, up to (never including) DATA, so no
 * mail is ever sent: banner, EHLO, optionally STARTTLS (RFC 3207) with the certificate checked for
 * {@code tlsName}, optionally MAIL FROM and RCPT TO, then QUIT.
 *
 * <p>What a sender does with each answer decides the verdict (RFC 5321 §4.2.1, §4.5.4.1; DOMAIN.md "Mail"):
 * 2xx accepts; 4xx, a 421 greeting or a refused connection are temporary, the sender queues the mail and
 * retries for days; 5xx is permanent, the sender bounces it. So a host that must only <em>defer</em> (the
 * old or the held mail host while mailboxes move) passes on 4xx or a refused connection and fails on 5xx
 * (mail would be lost to bounces) and on 2xx (mail would be delivered to the wrong place); the new host
 * must answer 2xx.
 *
 * <p>Every read and write is bounded by what is left of the check's timeout; replies are read whole
 * (multi-line, RFC 5321 §4.2.1) with bounded line length and count, and what the server says is shown with
 * control characters replaced, so a hostile banner cannot rewrite the operator's terminal or log.
 */
final class SmtpChecks {
    /** RFC 5321 §4.5.3.1.5 says 512 octets per reply line; a generous bound, then a protocol error. */
    private static final int MAX_LINE = 2048;
    private static final int MAX_LINES = 100;

    private final Clock clock;

    SmtpChecks(Clock clock) {
        this.clock = clock;
    }

    /** One reply: its code and the text of each line after the code. */
    record Reply(int code, List<String> lines) {
        int kind() {
            return code / 100;
        }

        String shown() {
            String first = lines.isEmpty() ? "" : lines.get(0);
            return code + (first.isEmpty() ? "" : " " + first) + (lines.size() > 1 ? " (+" + (lines.size() - 1) + " lines)" : "");
        }
    }

    /** The conversation stopped with a verdict before its end. */
    private static final class Stop extends Exception {
        final boolean passed;

        Stop(boolean passed, String why) {
            super(why, null, false, false);
            this.passed = passed;
        }
    }

    Result run(SmtpCheck c) {
        InetAddress ip;
        try {
            ip = NameserverDiscovery.parseLiteral(c.server().host());
        } catch (IllegalArgumentException e) {
            return new Result(c.id(), false, e.getMessage(), Duration.ZERO);
        }
        InetSocketAddress to = new InetSocketAddress(ip, c.server().port());
        String where = new NameServer("", "", to).addressText();
        long t0 = System.nanoTime();
        long deadline = t0 + c.timeout().toNanos();
        List<String> seen = new ArrayList<>();
        Socket plain = new Socket(Proxy.NO_PROXY);
        Socket s = plain;
        try {
            try {
                plain.connect(to, left(deadline));
            } catch (ConnectException e) {
                if (c.expectDefer()) {
                    throw new Stop(true, where + " refused the connection: senders take that as a temporary failure and"
                            + " retry (RFC 5321 §4.5.4.1), so it counts as deferring");
                }
                throw new Stop(false, "connection refused by " + where + " (nothing listens on that port)");
            } catch (SocketTimeoutException e) {
                throw new Stop(false, "no answer from " + where + " within " + c.timeout().toMillis() + " ms: the port is"
                        + " filtered or the host is down" + (c.expectDefer() ? "; a refused connection or a 4xx would show"
                        + " that it defers, silence does not" : ""));
            }
            Reply banner = read(s, deadline, "the greeting");
            seen.add("banner " + banner.shown());
            if (banner.code() != 220) {
                verdict(c, banner, "at connect (the greeting)", where);
                throw new Stop(false, where + " greets with " + banner.shown() + ", expected 220");
            }
            Reply ehlo = command(s, "EHLO " + c.helo(), deadline, c, where, seen);
            if (c.starttls()) {
                if (ehlo.lines().stream().noneMatch(l -> l.toUpperCase(Locale.ROOT).split(" ")[0].equals("STARTTLS"))) {
                    throw new Stop(false, where + " does not offer STARTTLS in its EHLO reply (" + String.join("; ",
                            ehlo.lines().stream().map(SmtpChecks::clean).toList()) + "); senders would deliver in clear text");
                }
                Reply go = command(s, "STARTTLS", deadline, c, where, seen);
                if (go.code() != 220) throw new Stop(false, where + " answered STARTTLS with " + go.shown() + ", expected 220");
                s = handshake(plain, c, where, deadline, seen);
                // RFC 3207 §4.2: after TLS the client forgets what it knew and says EHLO again.
                command(s, "EHLO " + c.helo(), deadline, c, where, seen);
            }
            if (c.rcptTo() != null) {
                command(s, "MAIL FROM:<" + c.mailFrom() + ">", deadline, c, where, seen);
                Reply rcpt = read(s, deadline, "RCPT TO", "RCPT TO:<" + c.rcptTo() + ">");
                seen.add("RCPT TO:<" + c.rcptTo() + "> " + rcpt.shown());
                verdict(c, rcpt, "to RCPT TO:<" + c.rcptTo() + ">", where);
                if (rcpt.kind() != 2) throw new Stop(false, where + " answered RCPT TO with " + rcpt.shown());
                if (c.expectDefer()) {
                    throw new Stop(false, where + " accepts mail for " + c.rcptTo() + " (" + rcpt.shown() + "): a host that"
                            + " should only defer would take mail now, and it would land in the wrong place");
                }
                quit(s, deadline);
                throw new Stop(true, where + " accepts mail for " + c.rcptTo() + " (" + rcpt.shown() + ")");
            }
            quit(s, deadline);
            if (c.expectDefer()) {
                throw new Stop(false, where + " greets and answers EHLO normally; to show that it defers, give rcptTo"
                        + " (the answer to RCPT TO decides) or close the port");
            }
            throw new Stop(true, where + " speaks SMTP");
        } catch (Stop stop) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            String detail = stop.getMessage() + (seen.isEmpty() ? "" : " [" + String.join("; ", seen) + "; "
                    + latency.toMillis() + " ms]");
            return new Result(c.id(), stop.passed, detail, latency);
        } catch (SocketTimeoutException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(c.id(), false, "no complete reply from " + where + " within " + c.timeout().toMillis()
                    + " ms" + (seen.isEmpty() ? "" : " [" + String.join("; ", seen) + "]"), latency);
        } catch (IOException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(c.id(), false, "the conversation with " + where + " failed: " + clean(String.valueOf(e.getMessage()))
                    + (seen.isEmpty() ? "" : " [" + String.join("; ", seen) + "]"), latency);
        } finally {
            try {
                s.close();
                plain.close();
            } catch (IOException ignored) {
                // closing: nothing to report
            }
        }
    }

    /**
     * Judges a reply that is not a plain 2xx step: a 4xx passes a host that should defer (and fails one that
     * should accept), a 5xx always fails (senders bounce). Returns normally for a 2xx or 3xx.
     */
    private static void verdict(SmtpCheck c, Reply r, String when, String where) throws Stop {
        if (r.kind() == 4) {
            if (c.expectDefer()) {
                throw new Stop(true, where + " defers " + when + " with " + r.shown() + ": senders queue the mail and retry");
            }
            throw new Stop(false, where + " defers " + when + " with " + r.shown() + ": mail would wait in senders'"
                    + " queues; expected it accepted");
        }
        if (r.kind() == 5) {
            throw new Stop(false, where + " refuses " + when + " with " + r.shown() + ": a 5xx is permanent, senders"
                    + " would bounce the mail" + (c.expectDefer() ? " (a host that holds mail back must answer 4xx)" : ""));
        }
    }

    /** Sends a command; a 4xx or 5xx ends the conversation with {@link #verdict}, another non-2xx fails it. */
    private Reply command(Socket s, String line, long deadline, SmtpCheck c, String where, List<String> seen)
            throws IOException, Stop {
        String verb = line.split("[ :]")[0];
        Reply r = read(s, deadline, verb, line);
        seen.add(verb + " " + r.shown());
        verdict(c, r, "to " + verb, where);
        if (r.kind() != 2 && !(verb.equals("STARTTLS") && r.code() == 220)) {
            throw new Stop(false, where + " answered " + verb + " with " + r.shown());
        }
        return r;
    }

    private Socket handshake(Socket plain, SmtpCheck c, String where, long deadline, List<String> seen) throws Stop, IOException {
        AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
        SSLSocket tls;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new Tls.Recording(Tls.trustManager(c.caFile()), presented)}, null);
            tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, c.tlsName(), plain.getPort(), true);
        } catch (GeneralSecurityException | IOException e) {
            throw new Stop(false, "cannot use caFile " + c.caFile() + ": " + e.getMessage());
        }
        SSLParameters p = tls.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(c.tlsName())));
        // The JDK checks the certificate's names against tlsName (RFC 6125), as senders doing DANE or
        // MTA-STS do (RFC 8461 §4.2).
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        try {
            tls.setSoTimeout(left(deadline));
            tls.startHandshake();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            String why = Tls.certificateFailure(e, c.tlsName(), c.caFile(), presented.get());
            throw new Stop(false, "STARTTLS with " + where + ": " + (why != null ? why : "TLS failed: " + e.getMessage()));
        }
        X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        long days = Tls.daysLeft(leaf, clock);
        seen.add("TLS " + tls.getSession().getProtocol() + ", certificate " + String.join(", ", Tls.names(leaf)) + ", "
                + days + " days left");
        if (c.minCertDays() != null && days < c.minCertDays()) {
            throw new Stop(false, "the certificate of " + where + " expires in " + days + " days (" + leaf.getNotAfter().toInstant()
                    + "), fewer than minCertDays " + c.minCertDays());
        }
        return tls;
    }

    private static void quit(Socket s, long deadline) {
        try {
            write(s, "QUIT");
            read(s, deadline, "QUIT");
        } catch (IOException | RuntimeException ignored) {
            // The verdict is in; a server that hangs up on QUIT changes nothing.
        }
    }

    private static Reply read(Socket s, long deadline, String after, String send) throws IOException {
        write(s, send);
        return read(s, deadline, after);
    }

    private static void write(Socket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one whole reply: lines "250-..." continue it, "250 ..." (or "250") ends it (RFC 5321 §4.2.1). */
    static Reply read(Socket s, long deadline, String after) throws IOException {
        InputStream in = s.getInputStream();
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (lines.size() < MAX_LINES) {
            String line = line(s, in, deadline, after);
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                    || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
                throw new IOException("not an SMTP reply after " + after + ": \"" + clean(line) + "\"");
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) throw new IOException("a reply after " + after + " mixes codes " + code + " and " + c);
            code = c;
            lines.add(clean(line.length() > 4 ? line.substring(4) : ""));
            if (line.length() == 3 || line.charAt(3) == ' ') return new Reply(code, List.copyOf(lines));
        }
        throw new IOException("more than " + MAX_LINES + " lines in the reply after " + after);
    }

    private static String line(Socket s, InputStream in, long deadline, String after) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            s.setSoTimeout(left(deadline));
            int c = in.read();
            if (c < 0) throw new IOException("the server closed the connection after " + after);
            if (c == '\n') break;
            if (b.size() >= MAX_LINE) throw new IOException("a reply line longer than " + MAX_LINE + " bytes after " + after);
            b.write(c);
        }
        String l = b.toString(StandardCharsets.UTF_8);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    /** What a server said, safe to print: control characters replaced, at most 200 characters. */
    static String clean(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && b.length() < 200; i++) {
            char ch = text.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f || ch >= 0x80 && ch < 0xa0 ? '?' : ch);
        }
        return b.length() < text.length() ? b + "..." : b.toString();
    }

    /** Milliseconds left until the deadline, at least 1 (0 would mean "wait forever" to a socket). */
    private static int left(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) throw new SocketTimeoutException("the check's timeout passed");
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }
}
