package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.secret.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** Every rcode and TSIG error as an operator's message, and which ones are worth retrying. */
class FailuresTest {
    static final String SECRET = "bm90LWEtcmVhbC1rZXktYnV0LWxvbmctZW5vdWdoLTEyMzQ1Ng==";
    final TsigKeySpec key = new TsigKeySpec("migrate-key", "hmac-sha256", Secret.of(SECRET, "file /etc/migrate/key.secret"));
    final Failures f = new Failures("192.0.2.53:53", "example.com.", "UPDATE", key);

    @Test
    void rcodesMapToKindsAndSayWhatToDo() {
        assertThat(f.forRcode(Rcode.NOERROR)).isNull();
        expect(f.forRcode(Rcode.REFUSED), Kind.REFUSED, "REFUSED", "allow-update", "'migrate-key'");
        expect(f.forRcode(Rcode.NOTAUTH), Kind.AUTH, "NOTAUTH", "not authoritative");
        expect(f.forRcode(Rcode.NOTZONE), Kind.INVALID, "NOTZONE", "not inside the zone");
        expect(f.forRcode(Rcode.SERVFAIL), Kind.SERVER, "SERVFAIL", "server's log");
        expect(f.forRcode(Rcode.YXRRSET), Kind.CONFLICT, "YXRRSET");
        expect(f.forRcode(Rcode.NXRRSET), Kind.CONFLICT, "NXRRSET");
        expect(f.forRcode(Rcode.NOTIMP), Kind.INVALID, "dynamic updates are off");
        expect(f.forRcode(Rcode.FORMERR), Kind.INVALID, "could not parse");
        assertThat(f.forRcode(Rcode.SERVFAIL).kind().isTransient()).isTrue();
        assertThat(f.forRcode(Rcode.REFUSED).kind().isTransient()).isFalse();
        assertThat(f.forRcode(Rcode.NOTAUTH).kind().isTransient()).isFalse();
    }

    @Test
    void tsigErrorsNameTheKeyAndWhereItsSecretIsNeverTheSecret() {
        expect(f.forTsigError(Rcode.BADKEY), Kind.AUTH, "BADKEY", "'migrate-key'", "tsig.name");
        expect(f.forTsigError(Rcode.BADSIG), Kind.AUTH, "BADSIG", "file /etc/migrate/key.secret");
        expect(f.forTsigError(Rcode.BADTIME), Kind.AUTH, "BADTIME", "clock");
        expect(f.unverified(true), Kind.AUTH, "does not verify");
        expect(f.unverified(false), Kind.AUTH, "not signed");
    }

    @Test
    void transportFailuresAreTransient() {
        expect(f.forIo(new SocketTimeoutException("read timed out"), Duration.ofSeconds(5)), Kind.TIMEOUT, "within 5s");
        expect(f.forIo(new IOException("Timed out while trying to resolve"), Duration.ofSeconds(5)), Kind.TIMEOUT, "timed out");
        expect(f.forIo(new IOException(new ConnectException("Connection refused")), Duration.ofSeconds(5)),
                Kind.UNREACHABLE, "connection refused");
        assertThat(Kind.TIMEOUT.isTransient()).isTrue();
        assertThat(Kind.UNREACHABLE.isTransient()).isTrue();
    }

    static void expect(ProviderException e, Kind kind, String... mentions) {
        assertThat(e.kind()).isEqualTo(kind);
        for (String m : mentions) assertThat(e.getMessage()).contains(m);
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n");
    }
}
