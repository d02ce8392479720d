package dev.migrate.probe;

/**
 * The SOA serial one authoritative address served in one round ("record the SOA serial", the operators'
 * runbooks say, before and after the change).
 *
 * @param serial -1 when it gave none (unreachable, refused, lame)
 * @param state  the address's state in that round
 */
public record SoaSeen(NameServer server, long serial, ServerState state) {
    static SoaSeen of(AddressReport a) {
        return new SoaSeen(a.server(), a.serial(), a.state());
    }
}
