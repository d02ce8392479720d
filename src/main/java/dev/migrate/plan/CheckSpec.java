package dev.migrate.plan;

/** A service check run by verify (and the swap's preflight): the new servers answer as they should. */
public sealed interface CheckSpec permits HttpCheck, TcpCheck {
    String id();

    Location at();
}
