package dev.migrate.provider.rfc2136;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;

/** The whole cutover through the CLI against BIND 9. */
@LabTest
class Rfc2136BindCycleTest extends Rfc2136CycleContract {
    @Override
    Server start(String zone, String zoneText) {
        BindServer b = BindServer.builder().addPrimaryZone(zone, zoneText).start();
        return new Server(b.port(), b.key(), b::close);
    }
}
