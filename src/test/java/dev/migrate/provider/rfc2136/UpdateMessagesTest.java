package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** The wire shape of the UPDATE messages (RFC 2136 §2.4-2.5) and how batches split. No server needed. */
class UpdateMessagesTest {
    static final String Z = "example.test.";

    static RRset set(String name, String type, long ttl, String... data) {
        return LabDns.rrset(name, type, ttl, data);
    }

    static List<String> section(Update u, int section) {
        List<String> out = new ArrayList<>();
        for (Record r : u.getSection(section)) {
            out.add(r.getName() + " " + r.getTTL() + " " + DClass.string(r.getDClass()) + " " + Type.string(r.getType())
                    + (r.rdataToString().isEmpty() ? "" : " " + r.rdataToString()));
        }
        return out;
    }

    @Test
    void prerequisitesAreTheExactBeforeImageAndUpdatesDeleteThenAdd() {
        RRset before = set("www.example.test.", "A", 3600, "192.0.2.1", "192.0.2.2");
        Update u = UpdateMessages.message(Z, List.of(
                RRsetChange.of(Z, before, set("www.example.test.", "A", 300, "198.51.100.1")),
                RRsetChange.of(Z, null, set("new.example.test.", "TXT", 60, "\"x\"")),
                RRsetChange.of(Z, set("old.example.test.", "MX", 3600, "10 mx.example.test."), null)));
        assertThat(u.getHeader().getOpcode()).isEqualTo(Opcode.UPDATE);
        assertThat(u.getQuestion().getName().toString()).isEqualTo(Z);
        assertThat(u.getQuestion().getType()).isEqualTo(Type.SOA);
        // §2.4.2 value-dependent (class IN, TTL 0), §2.4.3 "RRset does not exist" (class NONE)
        assertThat(section(u, Section.PREREQ)).containsExactly(
                "www.example.test. 0 IN A 192.0.2.1",
                "www.example.test. 0 IN A 192.0.2.2",
                "new.example.test. 0 NONE TXT",
                "old.example.test. 0 IN MX 10 mx.example.test.");
        // §2.5.2 delete an RRset (class ANY) before any §2.5.1 add; never Update.replace
        assertThat(section(u, Section.UPDATE)).containsExactly(
                "www.example.test. 0 ANY A",
                "old.example.test. 0 ANY MX",
                "www.example.test. 300 IN A 198.51.100.1",
                "new.example.test. 60 IN TXT \"x\"");
    }

    @Test
    void theApexNsGoesThroughAPlaceholderSoItIsNeverEmptyNorMixed() {
        Update u = UpdateMessages.message(Z, List.of(RRsetChange.of(Z,
                set(Z, "NS", 3600, "ns1.example.test.", "ns2.example.test."),
                set(Z, "NS", 300, "ns2.example.test.", "ns3.example.net."))));
        assertThat(section(u, Section.UPDATE)).containsExactly(
                "example.test. 300 IN NS migrate-placeholder.invalid.",
                "example.test. 0 NONE NS ns1.example.test.",
                "example.test. 0 NONE NS ns2.example.test.",
                "example.test. 300 IN NS ns2.example.test.",
                "example.test. 300 IN NS ns3.example.net.",
                "example.test. 0 NONE NS migrate-placeholder.invalid.");
    }

    @Test
    void splitsBySizeInOrderAndEveryMessageFits() {
        List<RRsetChange> changes = new ArrayList<>();
        String big = "\"" + "y".repeat(255) + "\"";
        for (int i = 0; i < 300; i++) {
            changes.add(RRsetChange.of(Z, null, set("n" + i + ".example.test.", "TXT", 60, big + " " + big, "\"" + i + "\"")));
        }
        List<UpdateMessages.Part> parts = UpdateMessages.split(Z, changes, 65535 - 100);
        assertThat(parts).hasSizeGreaterThan(1);
        List<RRsetChange> again = new ArrayList<>();
        for (UpdateMessages.Part p : parts) {
            assertThat(p.message().toWire().length).isLessThanOrEqualTo(65535 - 100);
            again.addAll(p.changes());
        }
        assertThat(again).isEqualTo(changes);
    }

    @Test
    void fiveHundredAddressChangesFitOneMessage() {
        List<RRsetChange> changes = new ArrayList<>();
        for (int i = 0; i < Rfc2136Provider.MAX_BATCH; i++) {
            String n = "host" + i + ".example.test.";
            changes.add(RRsetChange.of(Z, set(n, "A", 300, "203.0.113." + (i % 250)), set(n, "A", 300, "198.51.100." + (i % 250))));
        }
        assertThat(UpdateMessages.split(Z, changes, 65535 - 200)).hasSize(1);
    }
}
