package dev.migrate.plan;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An HTTP(S) request to {@code url}, sent to {@code connectTo} when given while SNI, Host and certificate
 * checks stay on the URL's name ("as if DNS already pointed there").
 *
 * @param expectBody  a substring the body must contain, or null
 * @param caFile      extra trusted CA (PEM), or null for the system's
 * @param minCertDays fail when the certificate expires sooner, or null
 */
public record HttpCheck(
        String id,
        URI url,
        String connectTo,
        int expectStatus,
        String expectBody,
        Path caFile,
        Integer minCertDays,
        boolean followRedirects,
        Duration timeout,
        Location at) implements CheckSpec {}
