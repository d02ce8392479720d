package dev.migrate.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** What the HTTP API adapters share: one way to build a client, read a URL setting and classify failures. */
public final class HttpProviders {
    private HttpProviders() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    /** Longest error text from a server quoted back to the operator. */
    private static final int MAX_QUOTED = 300;

    /**
     * A client that goes straight to the URL's host: no proxy (a proxy would also see the credentials and
     * bypass any pinned addresses), no redirects (a redirect could carry the credential header elsewhere),
     * no silent retries (each adapter decides what is safe to repeat), and every wait bounded.
     */
    public static OkHttpClient client(Duration timeout) {
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        return new OkHttpClient.Builder()
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(connect)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .build();
    }

    /** Releases the client's threads and connections so a finished command exits at once. */
    public static void shutdown(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /**
     * Parses a base URL setting. Plain http is only accepted to a loopback address: the adapters send a
     * credential with every request.
     */
    public static HttpUrl baseUrl(String provider, String key, String text) throws ProviderException {
        HttpUrl url = HttpUrl.parse(text.trim());
        if (url == null) {
            throw new ProviderException(Kind.INVALID, "provider " + provider + ": '" + key + "' " + text
                    + " is not an http(s) URL, e.g. https://dns.example.net:8081");
        }
        if (!url.isHttps() && !isLoopback(url.host())) {
            throw new ProviderException(Kind.INVALID, "provider " + provider + ": '" + key + "' " + url
                    + " uses plain http to a host that is not loopback; the credential would cross the network"
                    + " unencrypted: use https");
        }
        return url;
    }

    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) return true;
        // Only literal addresses: resolving a name here would ask system DNS, which may be what we migrate.
        if (!h.matches("[0-9.]+") && !h.contains(":")) return false;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Turns an I/O failure into UNREACHABLE or TIMEOUT with what was being done. */
    public static ProviderException transportFailure(String what, IOException e) {
        if (e instanceof SocketTimeoutException
                || e instanceof InterruptedIOException && String.valueOf(e.getMessage()).contains("timeout")) {
            return new ProviderException(Kind.TIMEOUT, what + ": no answer in time (" + e.getMessage() + ")", e);
        }
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof NoRouteToHostException ? "no route to host"
                : e instanceof UnknownHostException ? "unknown host " + e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new ProviderException(Kind.UNREACHABLE, what + ": " + why, e);
    }

    /**
     * True when the request cannot have reached the server (the connection was never made), so even a
     * request that is not idempotent may be sent again.
     */
    public static boolean neverSent(ProviderException e) {
        return e.getCause() instanceof ConnectException || e.getCause() instanceof NoRouteToHostException
                || e.getCause() instanceof UnknownHostException;
    }

    /** Parses a JSON body, or null when it is not JSON. */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** A server's text cut to a quotable length, on one line. */
    public static String quote(String text) {
        if (text == null) return "";
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= MAX_QUOTED ? t : t.substring(0, MAX_QUOTED) + "...";
    }

    /** Reads a boolean setting strictly: a typo must not silently mean false. */
    public static boolean bool(String provider, String key, String text) throws ProviderException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ProviderException(Kind.INVALID,
                    "provider " + provider + ": '" + key + "' is '" + text + "', expected true or false");
        };
    }
}
