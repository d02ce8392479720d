package dev.migrate.provider.rfc2136;

import dev.migrate.lab.KnotServer;
import dev.migrate.lab.LabTest;
import dev.migrate.provider.ProviderException.Kind;

/** The adapter against a real Knot DNS primary. */
@LabTest
class Rfc2136KnotTest extends Rfc2136ServerContract {
    @Override
    Server start(String zone, String zoneText) {
        KnotServer k = KnotServer.builder().addZone(zone, zoneText).start();
        return new Server(k.port(), k.key(), k::close);
    }

    @Override
    Kind unsignedUpdateKind() {
        return Kind.AUTH; // Knot answers an unsigned update NOTAUTH (LAB-NOTES)
    }
}
