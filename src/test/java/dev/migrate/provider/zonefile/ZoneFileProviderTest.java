package dev.migrate.provider.zonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

class ZoneFileProviderTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Every common record type, $TTL, $ORIGIN, relative and absolute names, wildcards and per-RRset TTLs. */
    static final String REALISTIC = """
            ; example.com as served today
            $ORIGIN example.com.
            $TTL 3600
            @       IN SOA  ns1 hostmaster (
                            2026112001 ; serial (date-style)
                            7200 900 1209600 300 )
            @       86400   IN NS     ns1
            @       86400   IN NS     ns2.example.net.
            @               IN A      203.0.113.10
            @               IN AAAA   2001:db8:10::10
            @       1800    IN MX     10 mail
            @       1800    IN MX     20 mail-backup.example.net.
            @       300     IN TXT    "v=spf1 ip4:203.0.113.25 -all"
            @       300     IN TXT    "part one " "part two" "say \\"hi\\" and \\\\ backslash"
            @               IN CAA    0 issue "letsencrypt.org"
            @               IN CAA    128 iodef "mailto:security@example.com"
            @       7200    IN DS     12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE5F0B5D4D8C3F1F8B2D1E4A6C
            @       7200    IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
            ns1     86400   IN A      203.0.113.53
            www             IN A      203.0.113.10
            www             IN A      203.0.113.11
            www     120     IN AAAA   2001:db8:10::10
            shop            IN CNAME  www
            *       600     IN A      203.0.113.80
            *.dev   600     IN CNAME  www.example.com.
            _sip._tcp       IN SRV    10 60 5060 sip.example.com.
            _submission._tcp 3600 IN SRV 0 1 587 smtp
            sip             IN NAPTR  100 10 "S" "SIP+D2T" "" _sip._tcp.example.com.
            10              IN PTR    host10.example.com.
            host            IN SSHFP  4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789
            _443._tcp.www   IN TLSA   3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6
            box             IN HINFO  "x86_64" "Linux"
            mail    14400   IN A      203.0.113.25
            sub             IN NS     ns1.sub
            ns1.sub         IN A      203.0.113.54
            """;

    @TempDir
    Path dir;

    Path zoneFile;
    ZoneFileProvider provider;

    @BeforeEach
    void writeZone() throws IOException {
        zoneFile = dir.resolve("example.com.zone");
        Files.writeString(zoneFile, REALISTIC);
        provider = new ZoneFileProvider(dir, List.of(), Duration.ofSeconds(10), CLOCK);
    }

    /** Records as dnsjava itself reads them, one line of text per record (TTL included), for comparison. */
    static List<String> recordsByDnsjava(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (Master m = new Master(file.toString(), Name.fromString("example.com."))) {
            Record r;
            while ((r = m.nextRecord()) != null) out.add(r.toString());
        }
        return out.stream().sorted().toList();
    }

    @Nested
    class RoundTrip {
        @Test
        void everyRecordSurvivesReadWriteReadWithItsDataAndTtl() throws Exception {
            List<String> original = recordsByDnsjava(zoneFile);
            ZoneSnapshot first = provider.read("example.com.");

            Path copy = dir.resolve("copy.zone");
            ZoneFiles.writeAtomically(copy, first);
            ZoneSnapshot second = ZoneFiles.read(copy, "example.com.");

            assertThat(new ArrayList<>(second.rrsets())).isEqualTo(new ArrayList<>(first.rrsets()));
            // and byte for byte what dnsjava reads from the original, record by record, TTLs included
            assertThat(recordsByDnsjava(copy)).isEqualTo(original);
            assertThat(original).hasSize(30);
            assertThat(first.rrsets().stream().mapToInt(s -> s.rdata().size()).sum()).isEqualTo(30);
        }

        @Test
        void typesNamesAndTtlsAreReadAsWritten() throws Exception {
            ZoneSnapshot z = provider.read("example.com");
            assertThat(z.zone()).isEqualTo("example.com.");
            assertThat(z.rrsets()).extracting(RRset::type).contains("SOA", "NS", "A", "AAAA", "MX", "TXT", "CNAME", "SRV",
                    "CAA", "PTR", "SSHFP", "TLSA", "DS", "DNSKEY", "NAPTR", "HINFO");
            assertThat(z.get("example.com.", "NS")).isEqualTo(new RRset("example.com.", "NS", 86400,
                    List.of("ns1.example.com.", "ns2.example.net.")));
            assertThat(z.get("example.com.", "TXT")).isEqualTo(new RRset("example.com.", "TXT", 300,
                    List.of("\"v=spf1 ip4:203.0.113.25 -all\"", "\"part one \" \"part two\" \"say \\\"hi\\\" and \\\\ backslash\"")));
            assertThat(z.get("www.example.com.", "A").rdata()).containsExactly("203.0.113.10", "203.0.113.11");
            assertThat(z.get("www.example.com.", "A").ttl()).isEqualTo(3600); // from $TTL
            assertThat(z.get("www.example.com.", "AAAA").ttl()).isEqualTo(120);
            assertThat(z.get("*.example.com.", "A")).isEqualTo(new RRset("*.example.com.", "A", 600, List.of("203.0.113.80")));
            assertThat(z.get("*.dev.example.com.", "CNAME").rdata()).containsExactly("www.example.com.");
            assertThat(z.get("_submission._tcp.example.com.", "SRV").rdata()).containsExactly("0 1 587 smtp.example.com.");
            assertThat(z.get("sip.example.com.", "NAPTR").rdata()).containsExactly("100 10 \"S\" \"SIP+D2T\" \"\" _sip._tcp.example.com.");
            assertThat(z.get("mail.example.com.", "A").ttl()).isEqualTo(14400);
            assertThat(z.soa().ttl()).isEqualTo(3600);
            assertThat(z.serial()).isEqualTo(2026112001L);
            assertThat(z.negativeTtl()).isEqualTo(300);
        }

        @Test
        void recordsOfOneRRsetWithDifferentTtlsAreTreatedAsTheLowest() throws Exception {
            Files.writeString(zoneFile, REALISTIC + "mail 7200 IN A 203.0.113.26\n");
            RRset mail = provider.read("example.com.").get("mail.example.com.", "A");
            assertThat(mail).isEqualTo(new RRset("mail.example.com.", "A", 7200, List.of("203.0.113.25", "203.0.113.26")));
        }

        @Test
        void aRecordOutsideTheZoneIsAnError() throws Exception {
            Files.writeString(zoneFile, REALISTIC + "www.example.org. 300 IN A 192.0.2.1\n");
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.read("example.com."));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
            assertThat(e).hasMessageContaining("www.example.org. is outside zone example.com.");
        }

        @Test
        void aZoneWithoutSoaIsAnError() throws Exception {
            Files.writeString(zoneFile, "$ORIGIN example.com.\nwww 300 IN A 192.0.2.1\n");
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.read("example.com."));
            assertThat(e).hasMessageContaining("has no SOA record at its apex");
        }

        @Test
        void aMissingZoneFileIsNotFound() {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.read("example.org."));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
            assertThat(e).hasMessageContaining(dir.resolve("example.org.zone").toString()).hasMessageContaining("does not exist");
        }
    }

    @Nested
    class Apply {
        RRsetChange swapWww(ZoneSnapshot live) {
            RRset before = live.get("www.example.com.", "A");
            return RRsetChange.of("example.com.", before, before.withData(List.of("198.51.100.20")).withTtl(300));
        }

        @Test
        void appliesTheBatchBumpsTheSerialAndLosesNothingElse() throws Exception {
            ZoneSnapshot live = provider.read("example.com.");
            RRset created = new RRset("api.example.com.", "AAAA", 300, List.of("2001:db8:0:0:0:0:0:20"));
            RRset deleted = live.get("box.example.com.", "HINFO");
            List<RRsetChange> batch = List.of(swapWww(live), RRsetChange.of("example.com.", null, created),
                    RRsetChange.of("example.com.", deleted, null));

            provider.apply("example.com.", batch);

            ZoneSnapshot after = provider.read("example.com.");
            assertThat(after.get("www.example.com.", "A")).isEqualTo(new RRset("www.example.com.", "A", 300, List.of("198.51.100.20")));
            assertThat(after.get("api.example.com.", "AAAA")).isEqualTo(created);
            assertThat(after.get("box.example.com.", "HINFO")).isNull();
            assertThat(after.serial()).isEqualTo(2026112200L);
            // everything else exactly as before, SOA aside from its serial
            Map<RRsetKey, RRset> expected = new HashMap<>();
            for (RRset s : live.with(batch).rrsets()) expected.put(s.key(), s);
            for (RRset s : after.rrsets()) {
                if (s.type().equals("SOA")) {
                    assertThat(s.rdata().get(0)).isEqualTo("ns1.example.com. hostmaster.example.com. 2026112200 7200 900 1209600 300");
                    assertThat(s.ttl()).isEqualTo(live.soa().ttl());
                } else {
                    assertThat(s).isEqualTo(expected.get(s.key()));
                }
            }
            assertThat(after.size()).isEqualTo(expected.size());
        }

        @Test
        void twoWritesTheSameDayCountUp() throws Exception {
            ZoneSnapshot live = provider.read("example.com.");
            RRsetChange c = swapWww(live);
            provider.apply("example.com.", List.of(c));
            provider.apply("example.com.", List.of(c.inverse()));
            ZoneSnapshot after = provider.read("example.com.");
            assertThat(after.serial()).isEqualTo(2026112201L);
            assertThat(after.get("www.example.com.", "A")).isEqualTo(live.get("www.example.com.", "A"));
        }

        @Test
        void aWriteLeavesNoTemporaryFileBehind() throws Exception {
            provider.apply("example.com.", List.of(swapWww(provider.read("example.com."))));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com.zone");
            }
        }

        @Test
        void aWriteKeepsTheFilesPermissions() throws Exception {
            Files.setPosixFilePermissions(zoneFile, PosixFilePermissions.fromString("rw-r-----"));
            provider.apply("example.com.", List.of(swapWww(provider.read("example.com."))));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zoneFile))).isEqualTo("rw-r-----");
        }

        @Test
        void aWriteKeepsTheFilesGroupSoTheNameServerCanStillReadIt() throws Exception {
            PosixFileAttributeView view = Files.getFileAttributeView(zoneFile, PosixFileAttributeView.class);
            GroupPrincipal other = zoneFile.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("daemon");
            assumeThat(other).isNotEqualTo(view.readAttributes().group());
            try {
                view.setGroup(other); // as root (CI, here) this works; elsewhere only for one's own groups
            } catch (IOException e) {
                abort("cannot hand the zone file to group daemon here: " + e);
            }
            Files.setPosixFilePermissions(zoneFile, PosixFilePermissions.fromString("rw-r-----"));
            UserPrincipal owner = view.readAttributes().owner();

            provider.apply("example.com.", List.of(swapWww(provider.read("example.com."))));

            PosixFileAttributes after = Files.readAttributes(zoneFile, PosixFileAttributes.class);
            assertThat(after.group()).isEqualTo(other);
            assertThat(after.owner()).isEqualTo(owner);
            assertThat(PosixFilePermissions.toString(after.permissions())).isEqualTo("rw-r-----");
        }

        @Test
        void aFailedWriteLeavesTheOriginalUntouched() throws Exception {
            byte[] before = Files.readAllBytes(zoneFile);
            // the temporary file's name is taken by a directory: the write cannot even start
            Path tmp = dir.resolve(".example.com.zone.tmp-" + ProcessHandle.current().pid());
            Files.createDirectory(tmp);
            Files.writeString(tmp.resolve("keep"), "x");

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> provider.apply("example.com.", List.of(swapWww(provider.read("example.com.")))));

            assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
            assertThat(e).hasMessageContaining("cannot write zone file " + zoneFile);
            assertThat(Files.readAllBytes(zoneFile)).isEqualTo(before);
        }

        @Test
        void compareAndSetRefusesWhenTheBeforeImageDiffers() throws Exception {
            ZoneSnapshot live = provider.read("example.com.");
            RRsetChange stale = swapWww(live);
            // someone else edits www by hand after we read
            Files.writeString(zoneFile, REALISTIC.replace("www             IN A      203.0.113.11",
                    "www             IN A      203.0.113.12"));
            byte[] edited = Files.readAllBytes(zoneFile);

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> provider.apply("example.com.", List.of(stale)));

            assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(new RRsetKey("www.example.com.", "A"));
            assertThat(e).hasMessageContaining("changed by someone else").hasMessageContaining("www.example.com. A");
            assertThat(Files.readAllBytes(zoneFile)).isEqualTo(edited);
        }

        @Test
        void aTtlOnlyDifferenceIsAConflictToo() throws Exception {
            ZoneSnapshot live = provider.read("example.com.");
            RRset www = live.get("www.example.com.", "A");
            RRsetChange c = RRsetChange.of("example.com.", www.withTtl(60), www.withData(List.of("198.51.100.20")));
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.apply("example.com.", List.of(c)));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT);
        }

        @Test
        void creatingAnRRsetThatAlreadyExistsIsAConflict() throws Exception {
            RRset dup = new RRset("www.example.com.", "A", 300, List.of("198.51.100.20"));
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> provider.apply("example.com.", List.of(RRsetChange.of("example.com.", null, dup))));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(dup.key());
        }
    }

    @Nested
    class Serials {
        @ParameterizedTest(name = "{0} on {1} -> {2}")
        @CsvSource({
                // date-style: today's first serial when it is ahead, else one more
                "2026112001, 2026-11-22, 2026112200",
                "1999010100, 2026-11-22, 2026112200",
                "2026112200, 2026-11-22, 2026112201",
                "2026112205, 2026-11-22, 2026112206",
                "2026112299, 2026-11-22, 2026112300",  // the 100th write of a day borrows tomorrow's range
                "2026120101, 2026-11-22, 2026120102",  // ahead of today: never backwards
                // not date-style: plus one
                "1,          2026-11-22, 2",
                "0,          2026-11-22, 1",
                "42,         2026-11-22, 43",
                "2026113201, 2026-11-22, 2026113202",  // 32 November is no date
                "202611220,  2026-11-22, 202611221",   // nine digits
                // RFC 1982: the serial space wraps; like dnsjava's Serial.increment (and BIND) it skips 0,
                // which some software reads as "no serial"
                "2147483647, 2026-11-22, 2147483648",
                "4294967294, 2026-11-22, 4294967295",
                "4294967295, 2026-11-22, 1",
        })
        void nextSerial(long serial, String day, long expected) {
            Instant now = Instant.parse(day + "T23:59:59Z");
            assertThat(SoaSerial.next(serial, now)).isEqualTo(expected);
            // and it is always later in RFC 1982 terms
            assertThat(org.xbill.DNS.Serial.compare(SoaSerial.next(serial, now), serial)).isPositive();
        }

        @Test
        void theWrapIsWrittenToTheFile() throws Exception {
            Files.writeString(zoneFile, REALISTIC.replace("2026112001 ; serial (date-style)", "4294967295"));
            ZoneSnapshot live = provider.read("example.com.");
            RRset www = live.get("www.example.com.", "A");
            provider.apply("example.com.", List.of(RRsetChange.of("example.com.", www, www.withTtl(300))));
            assertThat(provider.read("example.com.").serial()).isEqualTo(1);
        }
    }

    @Nested
    class Reload {
        Path bin;

        @BeforeEach
        void scripts() throws IOException {
            bin = Files.createDirectory(dir.resolve("..").resolve(dir.getFileName() + "-bin").normalize());
        }

        Path script(String name, String body) throws IOException {
            Path s = bin.resolve(name);
            Files.writeString(s, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
            return s;
        }

        DnsProvider fromFactory(String reload, String timeout) throws ProviderException {
            Map<String, Object> settings = new HashMap<>();
            settings.put("directory", dir.getFileName().toString());
            settings.put("reload", reload);
            if (timeout != null) settings.put("reloadTimeout", timeout);
            return new ZoneFileProviderFactory().create(new ProviderConfig("zonefile", settings, dir.getParent(),
                    name -> null, CLOCK));
        }

        RRsetChange anyChange() throws ProviderException {
            RRset www = provider.read("example.com.").get("www.example.com.", "A");
            return RRsetChange.of("example.com.", www, www.withTtl(300));
        }

        @Test
        void theReloadCommandRunsAfterTheWriteWithTheZoneName() throws Exception {
            Path marker = bin.resolve("reloaded");
            Path s = script("reload.sh", "echo \"$1 $2\" > '" + marker + "'\n");
            DnsProvider p = fromFactory(s + " reload {zone}", null);

            p.apply("example.com.", List.of(anyChange()));

            assertThat(Files.readString(marker)).isEqualTo("reload example.com\n");
            assertThat(provider.read("example.com.").get("www.example.com.", "A").ttl()).isEqualTo(300);
        }

        @Test
        void aFailingReloadSaysSoClearly() throws Exception {
            Path s = script("fail.sh", "echo 'rndc: connect failed: 127.0.0.1#953: connection refused'\nexit 3\n");
            DnsProvider p = fromFactory(s + " reload {zone}", null);

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply("example.com.", List.of(anyChange())));

            assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
            assertThat(e).hasMessage("reload command " + s + " reload example.com exited 3: rndc: connect failed:"
                    + " 127.0.0.1#953: connection refused; the zone file is written");
            // the write itself happened and is kept
            assertThat(provider.read("example.com.").get("www.example.com.", "A").ttl()).isEqualTo(300);
        }

        @Test
        void aReloadThatHangsTimesOut() throws Exception {
            Path s = script("hang.sh", "exec sleep 30\n");
            DnsProvider p = fromFactory(s.toString(), "1s");
            long t0 = System.nanoTime();

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply("example.com.", List.of(anyChange())));

            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TIMEOUT);
            assertThat(e).hasMessageContaining("did not finish within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }

        @Test
        void aReloadCommandThatDoesNotExist() throws Exception {
            DnsProvider p = fromFactory(bin.resolve("no-such-rndc") + " reload", null);
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.apply("example.com.", List.of(anyChange())));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.IO);
            assertThat(e).hasMessageContaining("cannot run reload command " + bin.resolve("no-such-rndc"));
        }

        @Test
        void theFactoryRefusesAMissingDirectory() {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> new ZoneFileProviderFactory().create(
                    new ProviderConfig("zonefile", Map.of("directory", "nowhere"), dir, n -> null, CLOCK)));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
            assertThat(e).hasMessageContaining("zone directory " + dir.resolve("nowhere") + " does not exist");
        }
    }
}
