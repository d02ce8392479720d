package dev.migrate.provider.route53;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.http.HttpProviders;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import javax.xml.stream.XMLStreamException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The Route 53 REST API (version 2013-04-01) over OkHttp: every request signed (SigV4, service
 * {@code route53}), every request first takes a token from the process's {@link TokenBucket}, and errors
 * are classified for the engine. Reads ({@link #get}) are retried here, with exponential backoff and jitter
 * within a deadline, when the failure may pass; a write ({@link #post}) is sent once: the engine is the one
 * place that retries writes, and journals each try.
 */
final class Route53Api {
    static final String VERSION = "2013-04-01";
    static final String NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final MediaType XML = MediaType.get("application/xml");
    /** Longest answer read: a page of 300 RRsets of 100 records is well below it. */
    private static final long MAX_BODY = 16L << 20;
    /** Error codes that mean the credentials were not accepted (AWS common errors, Route 53 API reference). */
    private static final Set<String> AUTH_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
            "ExpiredToken", "UnrecognizedClientException", "InvalidSignatureException", "NotAuthorized");

    /** Pauses of reads retried here; see the class comment. */
    record Backoff(Duration first, Duration max, Duration deadline, int attempts) {
        static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(2), 8);
    }

    private final HttpUrl endpoint;
    private final String region;
    private final CredentialSource credentials;
    private final OkHttpClient http;
    private final TokenBucket bucket;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final DoubleSupplier random;
    private final Clock signingClock;
    private final Backoff backoff;

    /**
     * @param signingClock real time: AWS refuses a signature more than a few minutes off, so never the
     *                     plan's {@code --now}
     * @param random       0 (inclusive) to 1 (exclusive), for the jitter of retry pauses
     */
    Route53Api(HttpUrl endpoint, String region, CredentialSource credentials, Duration timeout, TokenBucket bucket,
            Sleeper sleeper, LongSupplier nanoTime, DoubleSupplier random, Clock signingClock, Backoff backoff) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.http = HttpProviders.client(timeout);
        this.bucket = bucket;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.random = random;
        this.signingClock = signingClock;
        this.backoff = backoff;
    }

    /** {@code https://route53.amazonaws.com/2013-04-01/<segments...>}. */
    HttpUrl.Builder url(String... segments) {
        HttpUrl.Builder b = endpoint.newBuilder().addPathSegment(VERSION);
        for (String s : segments) b.addPathSegment(s);
        return b;
    }

    String where() {
        return "Route 53 at " + endpoint.scheme() + "://" + SigV4.hostHeader(endpoint);
    }

    /** A read, retried while its failure may pass (throttled, 5xx, unreachable, timeout) and time is left. */
    Xml get(HttpUrl url, String what) throws ProviderException {
        long deadline = nanoTime.getAsLong() + backoff.deadline().toNanos();
        Duration pause = backoff.first();
        for (int attempt = 1; ; attempt++) {
            try {
                return send(new Request.Builder().url(url).get().build(), new byte[0], what);
            } catch (ProviderException e) {
                if (!e.kind().isTransient() || attempt >= backoff.attempts()) throw e;
                // Equal jitter: at least half the pause, so pauses still grow, at most all of it, so clients
                // throttled together do not come back together.
                Duration base = pause;
                Duration wait = e.retryAfter().filter(r -> r.compareTo(base) > 0).orElse(base);
                wait = wait.dividedBy(2).plusNanos((long) (random.getAsDouble() * wait.toNanos() / 2));
                if (nanoTime.getAsLong() + wait.toNanos() > deadline) throw e;
                pause(wait, what);
            }
            pause = pause.multipliedBy(2).compareTo(backoff.max()) > 0 ? backoff.max() : pause.multipliedBy(2);
        }
    }

    /** A write, sent once; see the class comment. Throws {@link InvalidChangeBatch} when Route 53 refuses the batch. */
    Xml post(HttpUrl url, byte[] xml, String what) throws ProviderException {
        return send(new Request.Builder().url(url).post(RequestBody.create(xml, XML)).build(), xml, what);
    }

    private Xml send(Request unsigned, byte[] payload, String what) throws ProviderException {
        try {
            bucket.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.TIMEOUT, what + ": interrupted");
        }
        Request req = SigV4.sign(unsigned, payload, credentials.current(), signingClock.instant(), region, "route53");
        try (Response r = http.newCall(req).execute()) {
            byte[] body = readBody(r);
            if (r.isSuccessful()) {
                try {
                    return Xml.parse(body);
                } catch (XMLStreamException e) {
                    throw new ProviderException(Kind.SERVER, what + ": " + where() + " answered HTTP " + r.code()
                            + " with a body that is not XML: " + HttpProviders.quote(new String(body,
                            java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
            throw error(r.code(), body, what);
        } catch (IOException e) {
            throw HttpProviders.transportFailure(what + ": " + where(), e);
        }
    }

    private static byte[] readBody(Response r) throws IOException {
        if (r.body() == null) return new byte[0];
        try (InputStream in = r.body().byteStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BODY + 1));
            if (b.length > MAX_BODY) throw new IOException("answer longer than " + MAX_BODY + " bytes");
            return b;
        }
    }

    /**
     * Route 53 refused a change batch as a whole and wrote nothing of it; {@link #messages} say why, one per
     * problem. INVALID until the adapter, which knows what it sent, says whether it is a conflict.
     */
    static final class InvalidChangeBatch extends ProviderException {
        private final List<String> messages;

        InvalidChangeBatch(String message, List<String> messages) {
            super(Kind.INVALID, message);
            this.messages = List.copyOf(messages);
        }

        List<String> messages() {
            return messages;
        }
    }

    /** A Route 53 error answer: {@code ErrorResponse/Error/{Code,Message}}, or {@code InvalidChangeBatch/Messages}. */
    record ApiError(int status, String code, List<String> messages) {
        String said() {
            return "HTTP " + status + " " + code + (messages.isEmpty() ? "" : ": " + HttpProviders.quote(String.join("; ", messages)));
        }
    }

    static ApiError parseError(int status, byte[] body) {
        try {
            Xml x = Xml.parse(body);
            if (x.name().equals("InvalidChangeBatch")) {
                Xml msgs = x.child("Messages");
                List<String> m = msgs == null ? List.of() : msgs.all("Message").stream().map(Xml::text).toList();
                if (m.isEmpty() && x.text("Message") != null) m = List.of(x.text("Message"));
                return new ApiError(status, "InvalidChangeBatch", m);
            }
            Xml err = x.name().equals("Error") ? x : x.child("Error");
            if (err != null && err.text("Code") != null) {
                String msg = err.text("Message");
                return new ApiError(status, err.text("Code"), msg == null ? List.of() : List.of(msg));
            }
        } catch (XMLStreamException e) {
            // not XML: quoted as text below
        }
        String text = HttpProviders.quote(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        return new ApiError(status, "", text.isEmpty() ? List.of() : List.of(text));
    }

    /** Classifies an error answer; InvalidChangeBatch is left to the caller, which knows what it sent. */
    ProviderException error(int status, byte[] body, String what) {
        ApiError e = parseError(status, body);
        String said = what + ": " + where() + " answered " + e.said();
        if (e.code().equals("Throttling") || e.code().equals("ThrottlingException") || status == 429) {
            // Route 53 allows five requests per second per account, other clients of the account included.
            return new ProviderException(Kind.RATE_LIMITED, said + " (more than five requests per second in this AWS"
                    + " account, counting other tools)", Duration.ofSeconds(1));
        }
        if (e.code().equals("PriorRequestNotComplete")) {
            return new ProviderException(Kind.RATE_LIMITED, said + " (Route 53 is still processing an earlier change"
                    + " to this hosted zone)", Duration.ofSeconds(2));
        }
        if (status == 401 || status == 403 || AUTH_CODES.contains(e.code())) {
            return new ProviderException(Kind.AUTH, said + ": Route 53 refused the credentials from "
                    + credentialsOrigin() + "; check that they are current and allow route53:ListResourceRecordSets,"
                    + " route53:ChangeResourceRecordSets, route53:GetChange and route53:ListHostedZonesByName");
        }
        if (e.code().equals("InvalidChangeBatch")) return new InvalidChangeBatch(said, e.messages());
        if (status == 404 || e.code().startsWith("NoSuch")) return new ProviderException(Kind.NOT_FOUND, said);
        if (status >= 500) return new ProviderException(Kind.SERVER, said + ": Route 53 failed on its side");
        return new ProviderException(Kind.INVALID, said);
    }

    private String credentialsOrigin() {
        try {
            return credentials.current().origin();
        } catch (ProviderException e) {
            return "the configured source";
        }
    }

    private void pause(Duration d, String what) throws ProviderException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.TIMEOUT, what + ": interrupted");
        }
    }

    void close() {
        HttpProviders.shutdown(http);
    }
}
