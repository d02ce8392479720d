package dev.migrate.provider;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import java.util.List;

/**
 * One DNS provider holding the zones a plan touches. Implementations talk to the outside world; all
 * decisions about what to change are made elsewhere and arrive here as before/after images.
 *
 * <p><b>The contract every adapter keeps</b> (and {@code ProviderContract}, the test every adapter's test
 * subclasses, checks):
 * <ol>
 *   <li><b>A read shows what was written.</b> After {@link #apply} returns, a read (by this instance or a
 *       new one) shows every after-image, normalised as {@link dev.migrate.dns.RRset} normalises data.</li>
 *   <li><b>A batch lands whole.</b> A batch whose before-images all match the live RRsets is applied
 *       completely; on an atomic provider ({@link Capabilities#atomicBatch()}) all at once.</li>
 *   <li><b>CONFLICT means nothing was written.</b> A live RRset that differs from its before-image (TTL or
 *       data; an RRset that exists where the before-image is absent, or the other way round) fails the batch
 *       with {@link ProviderException.Kind#CONFLICT}, naming those RRsets in
 *       {@link ProviderException#conflicts()}, and nothing of the batch is written. An adapter whose provider
 *       has no conditional write reads, compares ({@link Images#requireBeforeImages}) and only then writes.
 *       Any other failure after something may have been written must not be CONFLICT: the engine then reads
 *       back to settle it.</li>
 *   <li><b>Deletes before adds.</b> Whatever the order of the batch, RRsets it deletes are gone before RRsets it
 *       creates arrive, so a CNAME and an A can trade places at one name (RFC 1034 §3.6.2).</li>
 *   <li><b>Read back, or say why not.</b> When the provider may accept a write and not apply all of it, the
 *       adapter reads the changed RRsets back and fails when they are not the after-images
 *       ({@link Images#requireAfterImages}), with a kind other than CONFLICT.</li>
 *   <li><b>One request per batch, within limits.</b> {@link #batches} returns every change exactly once, each
 *       batch within {@link Capabilities#maxBatch()} and whatever else one request may hold; the engine
 *       journals each batch on its own.</li>
 *   <li><b>One retry layer for writes.</b> The engine retries a write that failed transiently (and journals
 *       each try); an adapter does not repeat a write itself, except a request that never left (connection
 *       refused). A throttled write is {@link ProviderException.Kind#RATE_LIMITED}, with
 *       {@link ProviderException#retryAfter()} when the provider said how long to wait. Reads may be retried
 *       inside the adapter, bounded by a deadline.</li>
 *   <li><b>Settings are checked when the plan loads</b> ({@link ProviderFactory#check}), and secrets never
 *       appear in messages, output or the journal (only {@link dev.migrate.secret.Secret}s carry them).</li>
 *   <li><b>Threads.</b> The engine uses one instance from one thread at a time; an adapter that shares state
 *       between instances (a rate limit per process) makes that state thread-safe.</li>
 * </ol>
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
     * RRsets, and write nothing of the batch (points 3 to 5 of the contract above). Batches are those
     * {@link #batches} made; an atomic provider applies them all or none.
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
