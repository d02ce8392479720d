package dev.migrate.provider.route53;

import dev.migrate.secret.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * One set of AWS credentials. The secret key and the session token are {@link Secret}s, so they are blanked
 * out of any message; the access key id is an identifier, not a secret, but is printed nowhere either.
 *
 * @param sessionToken null for long-term keys
 * @param expiration   null when they do not expire (long-term keys, or a credential_process that said none)
 * @param origin       where they came from, safe to print: {@code environment variables AWS_ACCESS_KEY_ID ...}
 */
record AwsCredentials(String accessKeyId, Secret secretAccessKey, Secret sessionToken, Instant expiration,
        String origin) {
    AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String toString() {
        return "AWS credentials from " + origin;
    }
}
