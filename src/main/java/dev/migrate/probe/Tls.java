package dev.migrate.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What the HTTPS and SMTP STARTTLS checks share: which CAs are trusted (exactly the plan's {@code caFile}
 * when given, else the JVM's), the chain a server presented (kept even when it is rejected, so the reason
 * can name it), and certificate failures told in an operator's words.
 */
final class Tls {
    private Tls() {}

    /** Trusts exactly the CAs in {@code caFile} (a lab or internal CA), or the JVM's store when it is null. */
    static X509TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile == null) {
            f.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            Collection<? extends Certificate> cas;
            try (InputStream in = Files.newInputStream(caFile)) {
                cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (cas.isEmpty()) throw new GeneralSecurityException("no PEM certificate in it");
            int i = 0;
            for (Certificate ca : cas) ks.setCertificateEntry("ca-" + i++, ca);
            f.init(ks);
        }
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) return x;
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    /** The certificate's DNS and IP subject alternative names (what hostname validation uses, RFC 6125). */
    static List<String> names(X509Certificate x) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = x.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) out.add(String.valueOf(san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            out.add("(unreadable subjectAltName)");
        }
        if (out.isEmpty()) out.add("no subjectAltName; subject " + x.getSubjectX500Principal().getName());
        return out;
    }

    /** Whether {@code host} is among the names, a wildcard standing for one leftmost label (RFC 6125 §6.4.3). */
    static boolean covers(List<String> names, String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (String n : names) {
            String c = n.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (c.equals(h)) return true;
            if (c.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.') + 1).equals(c.substring(2))) return true;
        }
        return false;
    }

    static long daysLeft(X509Certificate x, Clock clock) {
        return Duration.between(clock.instant(), x.getNotAfter().toInstant()).toDays();
    }

    /**
     * Why a TLS connection failed, when it failed on the certificate (not trusted, expired, not yet valid,
     * another name); null when the failure was something else (refused, reset, timed out).
     */
    static String certificateFailure(IOException e, String host, Path caFile, X509Certificate[] chain) {
        X509Certificate leaf = chain != null && chain.length > 0 ? chain[0] : null;
        String validity = leaf == null ? "" : "valid " + leaf.getNotBefore().toInstant() + " to "
                + leaf.getNotAfter().toInstant() + "; issuer " + leaf.getIssuerX500Principal().getName();
        String cert = leaf == null ? "" : " (certificate names " + String.join(", ", names(leaf)) + "; " + validity + ")";
        // The names once: they are the point of this message.
        String otherName = "certificate is not valid for " + host + ": it names "
                + (leaf == null ? "other hosts" : String.join(", ", names(leaf)) + " (" + validity + ")");
        if (e instanceof SSLPeerUnverifiedException) return otherName; // OkHttp's own hostname check
        // PKIX judged validity on the system clock, so the reason is given on it too (not the injected one).
        if (has(e, CertificateExpiredException.class) || leaf != null && leaf.getNotAfter().toInstant().isBefore(Instant.now())) {
            String when = leaf == null ? "" : " on " + leaf.getNotAfter().toInstant();
            return "certificate expired" + when + cert;
        }
        if (has(e, CertificateNotYetValidException.class)) return "certificate is not valid yet" + cert;
        if (e instanceof SSLHandshakeException && (has(e, CertPathValidatorException.class)
                || String.valueOf(e.getMessage()).contains("PKIX"))) {
            return "certificate is not trusted: not signed by " + (caFile != null ? "the CA in " + caFile : "a CA the JVM trusts")
                    + cert;
        }
        // The JDK's endpoint identification (SMTP): a trusted chain for another name.
        if (e instanceof SSLHandshakeException && has(e, CertificateException.class) && leaf != null
                && !covers(names(leaf), host)) {
            return otherName;
        }
        if (e instanceof SSLException) return "TLS failed: " + e.getMessage() + cert;
        return null;
    }

    static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    /** Delegates every decision; keeps the chain the server presented so a failure can say what it was. */
    static final class Recording extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final AtomicReference<X509Certificate[]> presented;

        Recording(X509TrustManager delegate, AtomicReference<X509Certificate[]> presented) {
            this.delegate = delegate;
            this.presented = presented;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            presented.set(chain);
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            presented.set(chain);
            if (delegate instanceof X509ExtendedTrustManager x) x.checkServerTrusted(chain, authType, socket);
            else delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            presented.set(chain);
            if (delegate instanceof X509ExtendedTrustManager x) x.checkServerTrusted(chain, authType, engine);
            else delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
