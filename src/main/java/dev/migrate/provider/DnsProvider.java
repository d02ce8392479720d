package dev.migrate.provider;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import java.util.List;

/**
 * One DNS provider holding the zones a plan touches. Implementations talk to the outside world; all
 * decisions about what to change are made elsewhere and arrive here as before/after images.
 */
public interface DnsProvider extends AutoCloseable {

    Capabilities capabilities();

    /** Reads every RRset of the zone as the provider holds it now. */
    ZoneSnapshot read(String zone) throws ProviderException;

    /**
     * Reads at least the given RRsets of the zone (with its SOA). Adapters that can only read whole zones
     * need not override this; those that read by querying name by name (RFC 2136 {@code read: query})
     * read just these.
     */
    default ZoneSnapshot read(String zone, java.util.Collection<dev.migrate.dns.RRsetKey> wanted) throws ProviderException {
        return read(zone);
    }

    /**
     * Applies one batch of changes to one zone. Every change's before-image is a condition: when a live
     * RRset differs from it the adapter must fail with {@link ProviderException.Kind#CONFLICT} naming the
     * RRsets, and change nothing it can avoid changing. Batches are at most
     * {@link Capabilities#maxBatch()} long; an atomic provider applies them all or none.
     */
    void apply(String zone, List<RRsetChange> batch) throws ProviderException;

    /**
     * Splits one zone's changes into the batches this provider applies one request (one UPDATE message,
     * one API call) each, in order. The engine journals each batch on its own, so a batch must be what
     * the provider applies as a unit: where a request has limits beyond a count of RRsets (bytes in a DNS
     * message, records or characters in an API request) the adapter overrides this. The default cuts the
     * list into runs of {@link Capabilities#maxBatch()}.
     */
    default List<List<RRsetChange>> batches(String zone, List<RRsetChange> changes) {
        int size = capabilities().maxBatch();
        List<List<RRsetChange>> out = new java.util.ArrayList<>();
        for (int i = 0; i < changes.size(); i += size) {
            out.add(List.copyOf(changes.subList(i, Math.min(changes.size(), i + size))));
        }
        return out;
    }

    /** How the engine learns that a change is live. */
    enum Confirmation {
        /** Ask every authoritative nameserver address (RD=0) until each serves the change. */
        AUTHORITATIVE_SERVERS,
        /** Nothing serves the zone where the tool can ask (zone files no server reloads): read the provider back. */
        READ_BACK
    }

    /**
     * How a change to this provider is confirmed. Most providers are served by nameservers the engine can
     * ask; one that nothing serves says {@link Confirmation#READ_BACK}, so no engine class asks which
     * adapter it talks to.
     */
    default Confirmation confirmation() {
        return Confirmation.AUTHORITATIVE_SERVERS;
    }

    /** A one-line description safe to print (no credentials), e.g. {@code rfc2136 127.0.0.1:5301}. */
    String describe();

    @Override
    default void close() {}
}
