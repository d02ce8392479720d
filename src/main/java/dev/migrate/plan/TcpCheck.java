package dev.migrate.plan;

import java.time.Duration;

/**
 * A TCP connection to {@code host:port}: expects it open (optionally reading a banner prefix), or
 * refused (the "MX to a closed port" trick: senders queue and retry while mailboxes copy).
 */
public record TcpCheck(
        String id,
        String host,
        int port,
        String expectBanner,
        boolean expectRefused,
        Duration timeout,
        Location at) implements CheckSpec {}
