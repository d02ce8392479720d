package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Zone transfers read message by message (RFC 5936 AXFR; RFC 1995 IXFR in its three answer forms), and
 * a zone held in memory brought up to date with an IXFR's changes. No server needed: the lab tests run
 * the same against BIND and Knot.
 */
class TransferReaderTest {
    static final String Z = "example.test.";

    static Record rec(String text) {
        try {
            String[] f = text.split("\\s+", 4);
            return Record.fromString(Name.fromString(f[0], Name.root), org.xbill.DNS.Type.value(f[2]), DClass.IN,
                    Long.parseLong(f[1]), f[3], Name.fromString(Z));
        } catch (Exception e) {
            throw new IllegalStateException(text, e);
        }
    }

    static SOARecord soa(long serial) {
        return (SOARecord) rec(Z + " 3600 SOA ns1.example.test. hostmaster.example.test. " + serial + " 3600 600 86400 300");
    }

    static final Record NS = rec(Z + " 3600 NS ns1.example.test.");
    static final Record WWW = rec("www.example.test. 3600 A 192.0.2.1");
    static final Record WWW_LOW = rec("www.example.test. 300 A 192.0.2.1");
    static final Record MAIL = rec("mail.example.test. 3600 A 192.0.2.25");
    static final Record NEW = rec("new.example.test. 60 TXT \"x\"");

    @Test
    void anAxfrEndsAtTheSecondSoaWhateverTheMessageBoundaries() {
        TransferReader r = TransferReader.axfr();
        r.feed(List.of(soa(7), NS));
        assertThat(r.done()).isFalse();
        r.feed(List.of(WWW));
        r.feed(List.of(MAIL, soa(7)));
        assertThat(r.done()).isTrue();
        assertThat(r.result()).isEqualTo(new TransferReader.Whole(List.of(soa(7), NS, WWW, MAIL)));
        assertThatThrownBy(() -> r.feed(List.of(WWW))).hasMessageContaining("after the end");
    }

    @Test
    void anIxfrFromTheCurrentSerialIsTheSoaAlone() {
        TransferReader r = TransferReader.ixfr(7);
        r.feed(List.of(soa(7)));
        assertThat(r.done()).isTrue();
        assertThat(r.result()).isEqualTo(new TransferReader.UpToDate(soa(7)));
    }

    @Test
    void anIxfrListsEachChangeInOrder() {
        TransferReader r = TransferReader.ixfr(7);
        r.feed(List.of(soa(9), soa(7), WWW, soa(8), WWW_LOW, NEW));
        r.feed(List.of(soa(8), MAIL, soa(9)));
        assertThat(r.done()).isFalse();
        r.feed(List.of(soa(9)));
        assertThat(r.done()).isTrue();
        assertThat(r.result()).isEqualTo(new TransferReader.Changes(soa(9), List.of(
                new TransferReader.Difference(soa(7), soa(8), List.of(WWW), List.of(WWW_LOW, NEW)),
                new TransferReader.Difference(soa(8), soa(9), List.of(MAIL), List.of()))));
    }

    @Test
    void anIxfrAnsweredWithTheWholeZoneIsTakenAsOne() {
        TransferReader r = TransferReader.ixfr(7);
        r.feed(List.of(soa(12), NS, WWW, soa(12)));
        assertThat(r.result()).isEqualTo(new TransferReader.Whole(List.of(soa(12), NS, WWW)));
    }

    @Test
    void brokenStreamsAreRefused() {
        assertThatThrownBy(() -> TransferReader.axfr().feed(List.of(NS))).hasMessageContaining("does not start with the SOA");
        assertThatThrownBy(() -> TransferReader.axfr().feed(List.of(soa(7), NS, soa(8)))).hasMessageContaining("ends at serial 8");
        assertThatThrownBy(() -> TransferReader.ixfr(7).feed(List.of(soa(9), soa(7), WWW, soa(8), WWW_LOW, soa(5))))
                .hasMessageContaining("starts at serial 5");
        assertThatThrownBy(() -> TransferReader.axfr().result()).hasMessageContaining("not complete");
    }

    @Test
    void theZoneHeldIsBroughtUpToDateOrRefusedWhenTheChangesDoNotFit() {
        ZoneSnapshot held = Rfc2136Provider.toSnapshot(Z, List.of(soa(7), NS, WWW, MAIL));
        TransferReader.Changes changes = new TransferReader.Changes(soa(9), List.of(
                new TransferReader.Difference(soa(7), soa(8), List.of(WWW), List.of(WWW_LOW, NEW)),
                new TransferReader.Difference(soa(8), soa(9), List.of(MAIL), List.of())));
        ZoneSnapshot now = ZoneChanges.apply(held, changes);
        assertThat(now.rrsets()).containsExactlyElementsOf(
                Rfc2136Provider.toSnapshot(Z, List.of(soa(9), NS, WWW_LOW, NEW)).rrsets());
        assertThat(now.serial()).isEqualTo(9);
        assertThat(held.get("mail.example.test.", "A")).isNotNull(); // the held zone itself is left alone

        // A change that starts elsewhere, or deletes what the zone does not have: not trusted.
        assertThat(ZoneChanges.apply(held, new TransferReader.Changes(soa(9), List.of(
                new TransferReader.Difference(soa(8), soa(9), List.of(MAIL), List.of()))))).isNull();
        assertThat(ZoneChanges.apply(held, new TransferReader.Changes(soa(8), List.of(
                new TransferReader.Difference(soa(7), soa(8), List.of(NEW), List.of()))))).isNull();
    }

    @Test
    void recordsOfOneRRsetLeftWithDifferentTtlsTakeTheLowest() {
        Record second = rec("www.example.test. 60 A 192.0.2.2");
        ZoneSnapshot held = Rfc2136Provider.toSnapshot(Z, List.of(soa(7), NS, WWW));
        ZoneSnapshot now = ZoneChanges.apply(held, new TransferReader.Changes(soa(8), List.of(
                new TransferReader.Difference(soa(7), soa(8), List.of(), List.of(second)))));
        assertThat(now.get("www.example.test.", "A")).isEqualTo(new RRset("www.example.test.", "A", 60,
                List.of("192.0.2.1", "192.0.2.2")));
    }
}
