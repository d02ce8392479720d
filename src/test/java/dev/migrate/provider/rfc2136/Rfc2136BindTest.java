package dev.migrate.provider.rfc2136;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.provider.ProviderException.Kind;

/** The adapter against a real BIND 9 primary. */
@LabTest
class Rfc2136BindTest extends Rfc2136ServerContract {
    @Override
    Server start(String zone, String zoneText) {
        BindServer b = BindServer.builder().addPrimaryZone(zone, zoneText).start();
        return new Server(b.port(), b.key(), b::close);
    }

    @Override
    Kind unsignedUpdateKind() {
        return Kind.REFUSED; // allow-update { key ...; } refuses anything else (LAB-NOTES)
    }
}
