package dev.migrate.engine;

import static dev.migrate.engine.PlannerTest.HEAD;
import static dev.migrate.engine.PlannerTest.preview;
import static dev.migrate.engine.PlannerTest.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.testing.Zones;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rewrites and mail records in {@code migrate plan}: SPF follows the move, and what cannot move is said. */
class MailRecordsPlanTest {
    static final ZoneSnapshot MAIL = Zones.withSoa("example.com", """
            @     3600  IN MX    10 mail
            @     3600  IN TXT   "v=spf1 mx ip4:203.0.113.25 -all"
            _dmarc 3600 IN TXT   "v=DMARC1; p=none"
            mail  3600  IN A     203.0.113.25
            smtp  3600  IN A     203.0.113.25
            note  3600  IN TXT   "old relay 203.0.113.25"
            www   3600  IN A     203.0.113.10
            """);

    @Test
    void spfTrueMovesTheMechanismAtTheSwapAndOnlyUnrelatedTextIsReported() throws Exception {
        Preview p = preview(HEAD + """
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25, spf: true }
                """, MAIL);
        List<RRsetChange> swap = p.changesByPhase().get("swap");
        assertThat(swap).filteredOn(c -> c.key().type().equals("TXT")).singleElement()
                .satisfies(c -> assertThat(c.after().rdata()).containsExactly("\"v=spf1 mx ip4:198.51.100.25 -all\""));
        assertThat(p.targets()).filteredOn(t -> t.key().type().equals("TXT")).singleElement()
                .satisfies(t -> assertThat(t.source()).isEqualTo("rewrite spf ip4:203.0.113.25 -> ip4:198.51.100.25"));
        assertThat(warnings(p)).filteredOn(w -> w.contains("still names the old address"))
                .containsExactly("note.example.com. TXT still names the old address 203.0.113.25 after the plan has run;"
                        + " change it in 'changes'");
    }

    @Test
    void withoutSpfTheOldAddressLeftInSpfIsAWarningSayingHowToFixIt() throws Exception {
        Preview p = preview(HEAD + """
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                """, MAIL);
        assertThat(warnings(p)).anySatisfy(w -> assertThat(w).startsWith("example.com. TXT still names the old address"
                + " 203.0.113.25 after the plan has run in its SPF record (RFC 7208): mail from the new host would fail SPF")
                .endsWith("add spf: true to rewrite 203.0.113.25 -> 198.51.100.25"));
    }

    @Test
    void movingTheMailHostSuggestsKeepingTheOldOneDeferringForFiveDays() throws Exception {
        Preview byAddress = preview(HEAD + """
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25, spf: true }
                """, MAIL);
        assertThat(warnings(byAddress)).filteredOn(w -> w.startsWith("the mail host moves")).singleElement()
                .satisfies(w -> assertThat(w).contains("mail.example.com. A (now 203.0.113.25)")
                        .doesNotContain("smtp.example.com.") // not an MX target
                        .contains("Postfix 5 d, Exim about 4 d, SendGrid 3 d, Exchange 2 d")
                        .contains("for at least 5 days").contains("expect: defer"));
        Preview byMx = preview(HEAD + """
                changes:
                  - { name: "@", type: MX, to: ["10 mx.example.net."] }
                """, MAIL);
        assertThat(warnings(byMx)).anySatisfy(w -> assertThat(w).startsWith("the mail host moves (example.com. MX (now 10 mail.example.com.))"));
        Preview web = preview(HEAD + """
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """, MAIL);
        assertThat(warnings(web)).noneMatch(w -> w.startsWith("the mail host moves"));
        // The same exchange spelt in capitals is the same record (RFC 4343): nothing moves.
        Preview sameMx = preview(HEAD + """
                changes:
                  - { name: "@", type: MX, to: ["10 MAIL.example.com."] }
                """, MAIL);
        assertThat(warnings(sameMx)).noneMatch(w -> w.startsWith("the mail host moves"));
        Preview watched = preview(HEAD + """
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25, spf: true }
                checks:
                  - { id: old-mx-defers, smtp: 203.0.113.25, rcptTo: postmaster@example.com, expect: defer }
                """, MAIL);
        assertThat(warnings(watched)).as("an smtp check already watches the old host").noneMatch(w -> w.startsWith("the mail host moves"));
    }

    @Test
    void aMovedNameserverAddressWarnsThatTheParentKeepsTheOldGlue() throws Exception {
        ZoneSnapshot z = Zones.withSoa("example.com", "www 3600 IN A 203.0.113.10\n");
        Preview p = preview(HEAD + """
                rewrite:
                  - { from: 203.0.113.53, to: 198.51.100.53 }
                """, z);
        assertThat(warnings(p)).anySatisfy(w -> assertThat(w).startsWith("ns1.example.com. A moves 203.0.113.53 ->"
                + " 198.51.100.53, and ns1.example.com. is a nameserver of example.com.: the parent zone keeps its own copy")
                .contains("registrar"));
    }
    @Test
    void anMxOrSrvThePlanPointsAtAnAliasOrWhoseTargetItMakesAnAliasIsAWarning() throws Exception {
        ZoneSnapshot zone = Zones.withSoa("example.com", """
                @     3600  IN MX    10 mail
                _sip._tcp 3600 IN SRV 0 5 5060 sip
                mail  3600  IN A     203.0.113.25
                sip   3600  IN A     203.0.113.30
                alias 3600  IN CNAME mail
                www   3600  IN A     203.0.113.10
                """);
        Preview toAlias = preview(HEAD + """
                changes:
                  - { name: "@", type: MX, to: ["10 alias.example.com."] }
                """, zone);
        assertThat(warnings(toAlias)).filteredOn(w -> w.contains("CNAME after the plan")).singleElement()
                .satisfies(w -> assertThat(w).startsWith("example.com. MX points at alias.example.com., which is a CNAME")
                        .contains("RFC 2181 §10.3").contains("mail servers refuse"));

        Preview madeAlias = preview(HEAD + """
                changes:
                  - { name: sip, type: A, to: [] }
                  - { name: sip, type: CNAME, to: [sip.example.net.] }
                """, zone);
        assertThat(warnings(madeAlias)).filteredOn(w -> w.contains("CNAME after the plan")).singleElement()
                .satisfies(w -> assertThat(w).startsWith("_sip._tcp.example.com. SRV points at sip.example.com.")
                        .contains("RFC 2782"));

        Preview fine = preview(HEAD + """
                changes:
                  - { name: "@", type: MX, to: ["10 mail.example.com.", "20 www.example.com."] }
                  - { name: alias, type: CNAME, to: [www.example.com.] }
                """, zone);
        assertThat(warnings(fine)).noneMatch(w -> w.contains("CNAME after the plan"));
    }
}
