package dev.migrate.provider.rfc2136;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.support.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Rcode;

/**
 * Every way a request to the server can fail, in words an operator can act on: what failed, for which
 * zone on which server, why, and what to change. Pure. Messages name the key and where its secret came
 * from, never the secret.
 *
 * @param server    host:port
 * @param zone      the zone the request was about
 * @param operation "UPDATE", "zone transfer (AXFR)", "query for NAME TYPE"
 * @param tsig      the key used, or null for unsigned requests
 */
record Failures(String server, String zone, String operation, TsigKeySpec tsig) {

    /** The failure an rcode means, or null for NOERROR (and NXDOMAIN for a query, which is an answer). */
    ProviderException forRcode(int rcode) {
        String where = server + " answered " + Rcode.string(rcode) + " to the " + operation + " for zone " + zone;
        return switch (rcode) {
            case Rcode.NOERROR -> null;
            case Rcode.REFUSED -> new ProviderException(Kind.REFUSED, where + ": its policy does not allow this "
                    + (tsig == null ? "unsigned request from this address" : "from this address with key '" + tsig.name() + "'")
                    + "; allow it on the server (BIND: allow-update or update-policy, allow-transfer;"
                    + " Knot: an acl with action update/transfer for the key)"
                    + (operation.startsWith("zone transfer") ? ", or set read: query" : ""));
            case Rcode.NOTAUTH -> new ProviderException(Kind.AUTH, where + ": "
                    + (tsig == null ? "the server wants a TSIG key (Knot answers NOTAUTH to unsigned updates) or"
                            + " is not authoritative for the zone; add a tsig block"
                            : "key '" + tsig.name() + "' is not allowed to do this, or the server is not"
                            + " authoritative for the zone; check the zone name and the server's ACL for the key"));
            case Rcode.NOTZONE -> new ProviderException(Kind.INVALID, where + ": a name in the request is not inside the"
                    + " zone; check the plan's zones");
            case Rcode.SERVFAIL -> new ProviderException(Kind.SERVER, where + ": the server failed internally (the zone"
                    + " may not be loaded, or its journal not writable); see the server's log");
            case Rcode.FORMERR -> new ProviderException(Kind.INVALID, where + ": the server could not parse the request"
                    + " (a record type or data it does not accept?)");
            case Rcode.NOTIMP -> new ProviderException(Kind.INVALID, where + ": the server does not implement this"
                    + (operation.equals("UPDATE") ? " (dynamic updates are off; enable them for the zone)" : ""));
            case Rcode.NXDOMAIN, Rcode.YXDOMAIN, Rcode.YXRRSET, Rcode.NXRRSET ->
                    new ProviderException(Kind.CONFLICT, where + ": a prerequisite failed: an RRset is no longer what it"
                            + " was when read");
            default -> new ProviderException(Kind.INVALID, where + " (rcode " + rcode + ")");
        };
    }

    /** The failure a TSIG error in a response means (RFC 8945 §5.2), or null for none. */
    ProviderException forTsigError(int error) {
        if (error == Rcode.NOERROR) return null;
        String key = tsig == null ? "(no key)" : "'" + tsig.name() + "' (" + tsig.algorithm() + ")";
        String head = server + " rejected the " + operation + " for zone " + zone + ": ";
        return switch (error) {
            case Rcode.BADKEY -> new ProviderException(Kind.AUTH, head + "it does not know TSIG key " + key
                    + " (BADKEY); check tsig.name and tsig.algorithm against the key configured on the server");
            case Rcode.BADSIG -> new ProviderException(Kind.AUTH, head + "the signature with TSIG key " + key
                    + " does not verify (BADSIG): the secret in " + (tsig == null ? "?" : tsig.secret().origin())
                    + " is not the server's secret for that key");
            case Rcode.BADTIME -> new ProviderException(Kind.AUTH, head + "the TSIG time is outside the allowed window"
                    + " (BADTIME): this machine's clock and the server's differ by more than 5 minutes; fix the clock");
            default -> new ProviderException(Kind.AUTH, head + "TSIG error " + Rcode.TSIGstring(error));
        };
    }

    /** A response that should be signed by the server but is unsigned or fails verification. */
    ProviderException unverified(boolean signed) {
        return new ProviderException(Kind.AUTH, server + ": the answer to the " + operation + " for zone " + zone
                + (signed ? " carries a TSIG signature that does not verify with key '" + tsig.name()
                        + "' (wrong secret in " + tsig.secret().origin() + ", or the answer was altered)"
                        : " is not signed, though the request was signed with key '" + tsig.name() + "'")
                + "; it was not trusted");
    }

    /** Transport failures: timeouts and refused connections are transient, others too (the network). */
    ProviderException forIo(IOException e, Duration timeout) {
        Throwable c = rootOf(e);
        String what = "the " + operation + " for zone " + zone;
        if (c instanceof SocketTimeoutException || c instanceof TimeoutException
                || String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
            return new ProviderException(Kind.TIMEOUT, server + ": no answer to " + what + " within "
                    + Durations.human(timeout) + " (timed out); is the server running, and reachable from here?", e);
        }
        if (c instanceof ConnectException || c instanceof PortUnreachableException || c instanceof NoRouteToHostException
                || String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("refused")) {
            return new ProviderException(Kind.UNREACHABLE, server + ": connection refused (" + what
                    + "): is the server running and listening on this address and port?", e);
        }
        if (c instanceof EOFException || c instanceof ClosedChannelException) {
            return new ProviderException(Kind.UNREACHABLE, server + ": the server closed the connection during "
                    + what + " without answering; see the server's log", e);
        }
        return new ProviderException(Kind.UNREACHABLE, server + ": " + what + " failed: "
                + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage()), e);
    }

    private static Throwable rootOf(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 10 && c.getCause() != null && c.getCause() != c; i++) c = c.getCause();
        // dnsjava wraps a timeout as IOException("Timed out ..."), keep the outer text when the root says less.
        if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("timed out")) return t;
        return c;
    }
}
