package dev.migrate.provider.rfc2136;

import dev.migrate.lab.KnotServer;
import dev.migrate.lab.LabTest;

/** The whole cutover through the CLI against Knot DNS. */
@LabTest
class Rfc2136KnotCycleTest extends Rfc2136CycleContract {
    @Override
    Server start(String zone, String zoneText) {
        KnotServer k = KnotServer.builder().addZone(zone, zoneText).start();
        return new Server(k.port(), k.key(), k::close);
    }
}
