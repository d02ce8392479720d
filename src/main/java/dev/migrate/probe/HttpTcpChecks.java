package dev.migrate.probe;

import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.DnsCheck;
import dev.migrate.plan.HttpCheck;
import dev.migrate.plan.SmtpCheck;
import dev.migrate.plan.TcpCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The plan's service checks: does the new server answer as it should, before anything points at it.
 *
 * <p>{@code http}: OkHttp talks to {@code connectTo} while SNI, the Host header and certificate validation
 * stay on the URL's name, through a {@link Dns} that pins that one name (DOMAIN.md, OkHttp pitfalls): the
 * operator's "hosts-file override", without touching the hosts file. No proxy (a proxy would resolve the
 * name itself and bypass the pin), redirects only when the check asks, a call timeout. With {@code caFile}
 * exactly that CA is trusted (a lab or internal CA: the check must not pass on some other CA's certificate);
 * without it, the JVM's default trust store.
 *
 * <p>{@code tcp}: a connection with a timeout, optionally reading a banner prefix; or the expectation that
 * the port refuses (the "MX to a closed port" trick: senders queue and retry while mailboxes copy).
 *
 * <p>{@code dns} and {@code smtp} checks are run by {@link DnsAnswerCheck} and {@link SmtpChecks}.
 *
 * <p>Checks run one after the other; each is bounded by its own timeout. Latency is measured on the
 * monotonic clock; the injected {@link Clock} decides certificate days left.
 */
public final class HttpTcpChecks implements ServiceChecks {
    private static final int BODY_LIMIT = 64 * 1024;

    private final Clock clock;
    private final SmtpChecks smtp;

    public HttpTcpChecks(Clock clock) {
        this.clock = clock;
        this.smtp = new SmtpChecks(clock);
    }

    @Override
    public List<Result> run(List<CheckSpec> checks) throws InterruptedException {
        List<Result> out = new ArrayList<>(checks.size());
        for (CheckSpec c : checks) {
            if (Thread.interrupted()) throw new InterruptedException();
            if (c instanceof HttpCheck h) out.add(http(h));
            else if (c instanceof TcpCheck t) out.add(tcp(t));
            else if (c instanceof DnsCheck d) out.add(DnsAnswerCheck.run(d));
            else if (c instanceof SmtpCheck m) out.add(smtp.run(m));
        }
        return out;
    }

    // ---------------------------------------------------------------- http

    public Result http(HttpCheck c) {
        HttpUrl url = HttpUrl.get(c.url().toString());
        AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
        OkHttpClient client;
        try {
            client = client(c, url, presented);
        } catch (IOException | GeneralSecurityException e) {
            return new Result(c.id(), false, "cannot use caFile " + c.caFile() + ": " + e.getMessage(), Duration.ZERO);
        }
        String where = url.host() + (c.connectTo() != null ? " at " + c.connectTo() : "") + ":" + url.port();
        long t0 = System.nanoTime();
        try (Response r = client.newCall(new Request.Builder().url(url).get().build()).execute()) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            String body = r.peekBody(BODY_LIMIT).string();
            List<String> seen = new ArrayList<>();
            seen.add("HTTP " + r.code());
            seen.add(latency.toMillis() + " ms");
            X509Certificate leaf = null;
            if (r.handshake() != null && !r.handshake().peerCertificates().isEmpty()
                    && r.handshake().peerCertificates().get(0) instanceof X509Certificate x) {
                leaf = x;
                seen.add("certificate " + String.join(", ", names(x)) + ", " + daysLeft(x) + " days left");
            }
            String how = String.join("; ", seen);
            if (r.code() != c.expectStatus()) {
                String loc = r.header("Location");
                String why = "status " + r.code() + ", expected " + c.expectStatus()
                        + (r.isRedirect() && loc != null ? " (a redirect to " + loc + (c.followRedirects() ? ")" : "; followRedirects is off)") : "");
                return new Result(c.id(), false, why + " [" + how + "]", latency);
            }
            if (c.expectBody() != null && !body.contains(c.expectBody())) {
                String shown = body.length() > 80 ? body.substring(0, 77) + "..." : body;
                return new Result(c.id(), false, "body does not contain \"" + c.expectBody() + "\" (it starts: \""
                        + shown.strip().replace("\n", " ") + "\") [" + how + "]", latency);
            }
            if (leaf != null && c.minCertDays() != null && daysLeft(leaf) < c.minCertDays()) {
                return new Result(c.id(), false, "certificate expires in " + daysLeft(leaf) + " days (" + leaf.getNotAfter().toInstant()
                        + "), fewer than minCertDays " + c.minCertDays() + " [" + how + "]", latency);
            }
            if (leaf == null && c.minCertDays() != null) {
                return new Result(c.id(), false, "minCertDays is set but " + url.scheme() + " has no certificate [" + how + "]", latency);
            }
            return new Result(c.id(), true, how, latency);
        } catch (IOException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(c.id(), false, httpFailure(e, c, url, where, presented.get()), latency);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    private OkHttpClient client(HttpCheck c, HttpUrl url, AtomicReference<X509Certificate[]> presented)
            throws IOException, GeneralSecurityException {
        X509TrustManager trust = new Tls.Recording(Tls.trustManager(c.caFile()), presented);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        String pinnedHost = url.host();
        InetAddress pinned = c.connectTo() == null ? null : NameserverDiscovery.parseLiteral(c.connectTo());
        Dns dns = host -> {
            if (pinned != null && host.equalsIgnoreCase(pinnedHost)) return List.of(pinned);
            // Only a followed redirect to another host, or a check without connectTo, gets here: that is
            // the check of what the world sees, so the system's resolver is the right one.
            return Dns.SYSTEM.lookup(host);
        };
        return new OkHttpClient.Builder()
                .dns(dns)
                .proxy(Proxy.NO_PROXY)
                .followRedirects(c.followRedirects())
                .followSslRedirects(c.followRedirects())
                .retryOnConnectionFailure(false)
                .callTimeout(c.timeout())
                .connectTimeout(c.timeout())
                .readTimeout(c.timeout())
                .sslSocketFactory(tls.getSocketFactory(), trust)
                .build();
    }

    /** Turns a failed call into the reason an operator can act on. */
    private String httpFailure(IOException e, HttpCheck c, HttpUrl url, String where, X509Certificate[] chain) {
        String tls = Tls.certificateFailure(e, url.host(), c.caFile(), chain);
        if (tls != null) return tls.startsWith("TLS failed: ") ? "TLS failed with " + where + ": " + tls.substring(12) : tls;
        if (has(e, ConnectException.class)) return "connection refused by " + where + " (nothing listens on that port)";
        if (has(e, NoRouteToHostException.class)) return "no route to " + where;
        if (has(e, UnknownHostException.class)) return "cannot resolve " + url.host() + ": " + e.getMessage();
        if (e instanceof InterruptedIOException || has(e, SocketTimeoutException.class)) {
            return "no complete response from " + where + " within " + c.timeout().toMillis() + " ms (callTimeout)";
        }
        return "request to " + where + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private long daysLeft(X509Certificate x) {
        return Tls.daysLeft(x, clock);
    }

    static List<String> names(X509Certificate x) {
        return Tls.names(x);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return Tls.has(e, type);
    }

    // ---------------------------------------------------------------- tcp

    public Result tcp(TcpCheck c) {
        InetAddress ip;
        try {
            ip = NameserverDiscovery.parseLiteral(c.host());
        } catch (IllegalArgumentException e) {
            return new Result(c.id(), false, "'" + c.host() + "' is not an IP address: tcp checks take one (a name would"
                    + " go through the JVM's DNS cache)", Duration.ZERO);
        }
        InetSocketAddress to = new InetSocketAddress(ip, c.port());
        String where = new NameServer("", "", to).addressText();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, c.timeout().toMillis()));
        long t0 = System.nanoTime();
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            s.connect(to, timeoutMs);
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            if (c.expectRefused()) {
                return new Result(c.id(), false, where + " accepted the connection; expected it refused", latency);
            }
            if (c.expectBanner() == null) {
                return new Result(c.id(), true, "connected to " + where + " in " + latency.toMillis() + " ms", latency);
            }
            String banner = readBanner(s, c.expectBanner().length(), t0, timeoutMs);
            latency = Duration.ofNanos(System.nanoTime() - t0);
            if (banner.startsWith(c.expectBanner())) {
                return new Result(c.id(), true, "banner \"" + banner.strip() + "\" from " + where + " in " + latency.toMillis() + " ms", latency);
            }
            return new Result(c.id(), false, where + " sent \"" + banner.strip() + "\", expected it to start with \""
                    + c.expectBanner() + "\"", latency);
        } catch (ConnectException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            if (c.expectRefused()) return new Result(c.id(), true, where + " refused the connection, as expected", latency);
            return new Result(c.id(), false, "connection refused by " + where + " (nothing listens on that port)", latency);
        } catch (SocketTimeoutException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            if (c.expectRefused()) {
                return new Result(c.id(), false, "no answer from " + where + " within " + timeoutMs + " ms: the port is"
                        + " filtered (packets dropped), not refused; senders would wait for a timeout on every try", latency);
            }
            return new Result(c.id(), false, "no answer from " + where + " within " + timeoutMs + " ms", latency);
        } catch (IOException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(c.id(), false, "cannot connect to " + where + ": " + e.getMessage(), latency);
        }
    }

    /**
     * Reads the first line (SMTP, FTP, SSH banners end with CRLF, RFC 5321 §4.2), at most 512 bytes, until
     * end of stream or the check's timeout; a timeout after at least {@code want} bytes keeps what came.
     */
    private static String readBanner(Socket s, int want, long t0, int timeoutMs) throws IOException {
        byte[] buf = new byte[Math.max(want, 512)];
        int n = 0;
        InputStream in = s.getInputStream();
        while (n < buf.length && !hasNewline(buf, n)) {
            long left = timeoutMs - (System.nanoTime() - t0) / 1_000_000;
            if (left <= 0) break;
            s.setSoTimeout((int) left);
            int r;
            try {
                r = in.read(buf, n, buf.length - n);
            } catch (SocketTimeoutException e) {
                if (n < want) throw e;
                break;
            }
            if (r < 0) break;
            n += r;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean hasNewline(byte[] b, int n) {
        for (int i = 0; i < n; i++) if (b[i] == '\n') return true;
        return false;
    }
}
