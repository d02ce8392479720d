package dev.migrate.plan;

/**
 * A service check run by verify (and the swap's preflight): the new servers answer as they should. A check
 * written with {@code forEachZone: true} is expanded when the plan loads, one check per zone with id
 * {@code ID@ZONE} (see {@link PlanLoader}), so everything after loading sees concrete checks only.
 */
public sealed interface CheckSpec permits HttpCheck, TcpCheck, DnsCheck, SmtpCheck {
    String id();

    Location at();
}
