package dev.migrate.plan;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An SMTP conversation with a mail host up to, never including, DATA (RFC 5321): banner, EHLO, optionally
 * STARTTLS (RFC 3207) with the certificate checked, and optionally MAIL FROM / RCPT TO.
 *
 * @param helo        the name given in EHLO
 * @param starttls    STARTTLS is required and the certificate must be valid for {@code tlsName}
 * @param tlsName     the name the certificate must carry (the MX host name); null without starttls
 * @param caFile      extra trusted CA (PEM), or null for the system's
 * @param minCertDays fail when the certificate expires sooner, or null
 * @param mailFrom    the reverse-path, empty for the null sender {@code <>}; null when no envelope is sent
 * @param rcptTo      the recipient whose answer decides, or null to stop after EHLO (and STARTTLS)
 * @param expectDefer the host must only defer (a 4xx, a 421 banner, or a refused connection): senders queue
 *                    and retry; when false it must accept (2xx)
 */
public record SmtpCheck(
        String id,
        HostPort server,
        String helo,
        boolean starttls,
        String tlsName,
        Path caFile,
        Integer minCertDays,
        String mailFrom,
        String rcptTo,
        boolean expectDefer,
        Duration timeout,
        Location at) implements CheckSpec {}
