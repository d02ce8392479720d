package dev.migrate.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Names in record data compare without regard to the case of ASCII letters (RFC 4343 §3): a server or a
 * provider may hand back "Mail.Example.NET." for the "mail.example.net." the tool wrote, and the same
 * record must not read as drift, a conflict or a write that did not land. Text, base64 and hex keep their case.
 */
class CaseOfNamesTest {
    @Test
    void recordsOfNamesAndNumbersThatDifferInCaseOnlyAreTheSameRecords() {
        RRset written = new RRset("example.com.", "MX", 300, List.of("10 mail.example.net.", "20 backup.example.net."));
        RRset served = new RRset("example.com.", "MX", 300, List.of("20 BACKUP.example.net.", "10 Mail.Example.NET."));
        assertThat(served).isEqualTo(written).hasSameHashCodeAs(written);
        assertThat(served.sameData(written.withTtl(3600))).isTrue();
        assertThat(served.rdata()).as("the data as served is kept, its case too")
                .containsExactly("10 Mail.Example.NET.", "20 BACKUP.example.net.");
        assertThat(new HashSet<>(List.of(written, served))).hasSize(1);

        for (String[] t : List.of(new String[] {"CNAME", "Web.Example.COM.", "web.example.com."},
                new String[] {"NS", "NS1.provider.NET.", "ns1.provider.net."},
                new String[] {"SRV", "0 5 5060 SIP.example.com.", "0 5 5060 sip.example.com."},
                new String[] {"PTR", "Host.Example.com.", "host.example.com."},
                new String[] {"SOA", "NS1.example.com. Hostmaster.example.com. 1 3600 600 86400 300",
                        "ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300"})) {
            RRset a = new RRset("x.example.com.", t[0], 60, List.of(t[1]));
            RRset b = new RRset("x.example.com.", t[0], 60, List.of(t[2]));
            assertThat(a).as(t[0]).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(RRsetChange.of("example.com.", a, b.withTtl(300)).kind()).as(t[0]).isEqualTo(RRsetChange.Kind.TTL);
            assertThat(RRsetChange.of("example.com.", a, b).kind()).as(t[0]).isEqualTo(RRsetChange.Kind.NONE);
        }
    }

    @Test
    void textAndOtherDataKeepTheirCase() {
        RRset lower = new RRset("example.com.", "TXT", 300, List.of("\"v=spf1 include:_spf.example.net -all\""));
        RRset upper = new RRset("example.com.", "TXT", 300, List.of("\"V=SPF1 INCLUDE:_SPF.EXAMPLE.NET -ALL\""));
        assertThat(lower).isNotEqualTo(upper);
        assertThat(RRsetChange.of("example.com.", lower, upper).kind()).isEqualTo(RRsetChange.Kind.DATA);
        // A name and a text side by side: NAPTR's regexp is case-sensitive, so the type is compared as written.
        RRset naptr = new RRset("example.com.", "NAPTR", 300, List.of("100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:A@example.com!\" ."));
        RRset other = new RRset("example.com.", "NAPTR", 300, List.of("100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a@example.com!\" ."));
        assertThat(naptr).isNotEqualTo(other);
    }

    @Test
    void twoSpellingsOfOneRecordAreOneRecordAndTheSameSpellingIsKeptWhateverTheOrder() {
        RRset one = new RRset("example.com.", "NS", 3600, List.of("ns1.example.net.", "NS1.example.net.", "ns2.example.net."));
        RRset two = new RRset("example.com.", "NS", 3600, List.of("ns2.example.net.", "NS1.example.net.", "ns1.example.net."));
        assertThat(one.rdata()).hasSize(2).isEqualTo(two.rdata());
        Set<String> lowered = new HashSet<>();
        for (String d : one.rdata()) lowered.add(d.toLowerCase());
        assertThat(lowered).containsExactlyInAnyOrder("ns1.example.net.", "ns2.example.net.");
    }
}
