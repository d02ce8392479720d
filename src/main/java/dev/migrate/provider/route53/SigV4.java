package dev.migrate.provider.route53;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * AWS Signature Version 4 in the Authorization header, as the AWS documentation specifies it ("Create a
 * signed AWS API request", docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * a canonical request, a string to sign over its SHA-256, a signing key derived from the secret by four
 * HMAC-SHA256 steps, and the signature over the string to sign. Pure functions, except {@link #sign}, which
 * returns the request with the three headers added.
 */
final class SigV4 {
    private SigV4() {}

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** SHA-256 of the empty payload, as every GET signs it. */
    static final String EMPTY_PAYLOAD = sha256Hex(new byte[0]);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * The request with {@code X-Amz-Date}, {@code X-Amz-Security-Token} (temporary credentials only) and
     * {@code Authorization} added. Every header already on the request is signed, and {@code host} as
     * OkHttp will send it.
     *
     * @param payload exactly the bytes of the request body (empty for a GET)
     */
    static Request sign(Request request, byte[] payload, AwsCredentials credentials, Instant now, String region,
            String service) {
        String amzDate = AMZ_DATE.format(now);
        Request.Builder b = request.newBuilder().header("X-Amz-Date", amzDate);
        if (credentials.sessionToken() != null) b.header("X-Amz-Security-Token", credentials.sessionToken().reveal());
        Request dated = b.build();
        Map<String, String> headers = new TreeMap<>();
        headers.put("host", hostHeader(dated.url()));
        for (String name : dated.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(",", dated.headers(name).stream()
                    .map(SigV4::trimAll).toList()));
        }
        String authorization = authorization(dated.method(), dated.url(), headers, sha256Hex(payload),
                credentials.accessKeyId(), credentials.secretAccessKey().reveal(), amzDate, region, service);
        return dated.newBuilder().header("Authorization", authorization).build();
    }

    /** The Authorization header's value for a request whose signed headers are {@code headers} (lower-case names). */
    static String authorization(String method, HttpUrl url, Map<String, String> headers, String payloadHash,
            String accessKeyId, String secret, String amzDate, String region, String service) {
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        Map<String, String> sorted = new TreeMap<>(headers);
        String canonical = canonicalRequest(method, url, sorted, payloadHash);
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        byte[] key = signingKey(secret, date, region, service);
        String signature = HexFormat.of().formatHex(hmac(key, toSign));
        return ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders="
                + String.join(";", sorted.keySet()) + ", Signature=" + signature;
    }

    /**
     * Method, canonical URI (each path segment URI-encoded), canonical query (names and values encoded,
     * sorted), canonical headers (lower-case, values trimmed), the signed header names, and the payload hash.
     */
    static String canonicalRequest(String method, HttpUrl url, Map<String, String> sortedHeaders, String payloadHash) {
        StringBuilder path = new StringBuilder();
        for (String segment : url.pathSegments()) path.append('/').append(uriEncode(segment));
        if (path.length() == 0) path.append('/');
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < url.querySize(); i++) {
            String value = url.queryParameterValue(i);
            pairs.add(new String[] {uriEncode(url.queryParameterName(i)), uriEncode(value == null ? "" : value)});
        }
        // Sorted by encoded name, then by encoded value (byte order: the encoded forms are ASCII).
        pairs.sort(java.util.Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        List<String> params = pairs.stream().map(p -> p[0] + "=" + p[1]).toList();
        StringBuilder headers = new StringBuilder();
        sortedHeaders.forEach((k, v) -> headers.append(k).append(':').append(v).append('\n'));
        return method + "\n" + path + "\n" + String.join("&", params) + "\n" + headers + "\n"
                + String.join(";", sortedHeaders.keySet()) + "\n" + payloadHash;
    }

    /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** URI encoding as SigV4 wants it: every byte but A-Z a-z 0-9 - . _ ~ as %XX, upper-case hex. */
    static String uriEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** The Host header OkHttp sends: the host, and the port when it is not the scheme's default. */
    static String hostHeader(HttpUrl url) {
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
    }

    /** Header values: leading and trailing spaces removed, runs of spaces inside made one. */
    private static String trimAll(String v) {
        return v.strip().replaceAll("\\s+", " ");
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
