package dev.migrate.testing;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.zonefile.ZoneFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Zone snapshots written as master-file text, read through the same code the zone-file provider uses. */
public final class Zones {
    private Zones() {}

    /** Master-file text with {@code $ORIGIN} set to {@code zone} prepended. */
    public static ZoneSnapshot parse(String zone, String text) {
        try {
            Path f = Files.createTempFile("zone", ".zone");
            try {
                String origin = zone.endsWith(".") ? zone : zone + ".";
                Files.writeString(f, "$ORIGIN " + origin + "\n" + text);
                return ZoneFiles.read(f, origin);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SOA (TTL 3600, MINIMUM 300), NS records, and whatever {@code records} adds. */
    public static ZoneSnapshot withSoa(String zone, String records) {
        return parse(zone, """
                $TTL 3600
                @ 3600 IN SOA ns1 hostmaster 2026112001 7200 900 1209600 300
                @ 86400 IN NS ns1
                @ 86400 IN NS ns2.example.net.
                ns1 86400 IN A 203.0.113.53
                """ + records);
    }
}
