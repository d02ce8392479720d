package dev.migrate.provider.rfc2136;

import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * One server, one key, explicit timeouts. Each call is a single exchange (no retries: the provider
 * decides those) and comes back either as a response whose TSIG verified, or as a classified
 * {@link ProviderException}.
 */
final class DnsClient {
    /** EDNS0 buffer size that avoids IP fragmentation (DNS flag day 2020; DOMAIN.md). */
    private static final int EDNS_PAYLOAD = 1232;

    private final InetSocketAddress server;
    private final TsigKeySpec tsig;
    private final Duration timeout;
    private final Duration transferTimeout;
    private final String shown;

    DnsClient(InetSocketAddress server, TsigKeySpec tsig, Duration timeout, Duration transferTimeout) {
        this.server = server;
        this.tsig = tsig;
        this.timeout = timeout;
        this.transferTimeout = transferTimeout;
        this.shown = ServerAddress.show(server);
    }

    String server() {
        return shown;
    }

    Failures failures(String zone, String operation) {
        return new Failures(shown, zone, operation, tsig);
    }

    /**
     * Sends one message and returns the response after the TSIG checks; the rcode is left to the caller
     * (a conflict needs different handling from a refusal). {@code tcp} for updates: they can be far
     * larger than a UDP answer, and a retried UDP update is harder to reason about.
     */
    Message exchange(Message request, boolean tcp, Failures f) throws ProviderException {
        // SimpleResolver(InetSocketAddress): the address is used as is, never looked up (DOMAIN.md).
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        r.setTCP(tcp);
        r.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
        TSIG key = tsig == null ? null : tsig.toTsig();
        if (key != null) r.setTSIGKey(key);
        Message response;
        try {
            response = r.send(request);
        } catch (IOException e) {
            throw f.forIo(e, timeout);
        }
        checkTsig(response, f);
        return response;
    }

    /**
     * dnsjava only logs a bad signature (DOMAIN.md): the check is ours. A TSIG error in the answer (the
     * server could not verify us) comes first; then an answer we act on must verify.
     */
    private void checkTsig(Message response, Failures f) throws ProviderException {
        TSIGRecord t = response.getTSIG();
        if (t != null && t.getError() != Rcode.NOERROR) throw f.forTsigError(t.getError());
        if (tsig == null) return;
        if (response.isVerified()) return;
        int rcode = response.getRcode();
        // An unverified error answer is still a failure; only answers we would act on need the proof.
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) throw f.unverified(response.isSigned());
    }

    /** RD=0 query to the primary itself; requires an authoritative answer. */
    Message query(Name name, int type, String zone) throws ProviderException {
        Message q = Message.newQuery(Record.newRecord(name, type, org.xbill.DNS.DClass.IN));
        // newQuery sets RD; an authoritative server must answer from its own data (DOMAIN.md).
        q.getHeader().unsetFlag(Flags.RD);
        Failures f = failures(zone, "query for " + name + " " + org.xbill.DNS.Type.string(type));
        Message m = exchange(q, false, f);
        int rcode = m.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) throw f.forRcode(rcode);
        if (!m.getHeader().getFlag(Flags.AA)) {
            throw new ProviderException(Kind.NOT_FOUND, shown + " is not authoritative for zone " + zone
                    + " (its answer for " + name + " lacks the AA bit): point server at the zone's primary");
        }
        return m;
    }

    /** The TSIG error a signed SOA query for the zone is answered with (0 when none, or on no answer). */
    private int probeTsigError(Name zone) {
        try {
            Message q = Message.newQuery(Record.newRecord(zone, org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN));
            q.getHeader().unsetFlag(Flags.RD);
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(timeout);
            r.setTSIGKey(tsig.toTsig());
            TSIGRecord t = r.send(q).getTSIG();
            return t == null ? Rcode.NOERROR : t.getError();
        } catch (IOException e) {
            return Rcode.NOERROR;
        }
    }

    /** The whole zone by AXFR over TCP, signed when a key is set, bounded by the transfer timeout. */
    List<Record> axfr(Name zone) throws ProviderException {
        String z = zone.toString();
        Failures f = failures(z, "zone transfer (AXFR)");
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(zone, server, tsig == null ? null : tsig.toTsig());
        xfr.setTimeout(transferTimeout);
        try {
            xfr.run();
            return xfr.getAXFR();
        } catch (ZoneTransferException e) {
            throw transferFailure(zone, e, f);
        } catch (IOException e) {
            throw f.forIo(e, transferTimeout);
        }
    }

    /**
     * ZoneTransferIn reports a failure as text: an rcode mnemonic, or "TSIG failure: ...". Map the
     * mnemonic back; for an authentication failure ask the server with a signed SOA query, whose answer
     * carries the TSIG error (BADKEY, BADSIG) that the transfer's text loses.
     */
    private ProviderException transferFailure(Name zone, ZoneTransferException e, Failures f) {
        String text = String.valueOf(e.getMessage()).trim();
        int rcode = Rcode.value(text.toUpperCase(Locale.ROOT));
        boolean tsigFailure = text.startsWith("TSIG failure");
        if (tsig != null && (rcode == Rcode.NOTAUTH || tsigFailure)) {
            ProviderException why = f.forTsigError(probeTsigError(zone));
            if (why != null) return new ProviderException(why.kind(), why.getMessage(), e);
            if (tsigFailure) {
                return new ProviderException(Kind.AUTH, shown + ": the zone transfer of " + zone + " failed TSIG"
                        + " verification (" + text + "): check the key's secret and algorithm", e);
            }
        }
        if (rcode >= 0) {
            ProviderException p = f.forRcode(rcode);
            if (p != null) return p;
        }
        return new ProviderException(Kind.SERVER, shown + ": the zone transfer of " + zone + " failed: " + text, e);
    }
}
