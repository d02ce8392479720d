package dev.migrate.plan;

import static dev.migrate.plan.PlanLoaderTest.errors;
import static dev.migrate.plan.PlanLoaderTest.load;
import static dev.migrate.plan.PlanLoaderTest.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan keys of the operator's loop: dns and smtp checks, forEachZone templates, rewrite rules with
 * {@code spf}, and the block form of {@code resolvers:}. Line and column read straight off each block.
 */
class PlanLoaderChecksAcrossZonesTest {
    static final String HEAD = """
            name: web-move
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [shop.example, blog.example]
            ttl: { lowered: 300 }
            """;

    @Test
    void aForEachZoneCheckExpandsOncePerZoneWithReadableIdsAndPhasesNameTheTemplate() throws Exception {
        Plan p = load(HEAD + """
                checks:
                  - { id: web, forEachZone: true, http: "https://www.{zone}/health", connectTo: 203.0.113.10, expectBody: "{zone}" }
                  - { id: mx, smtp: 198.51.100.25 }
                phases:
                  - { id: verify, at: T-24h, action: verify, checks: [web, mx] }
                """);
        assertThat(p.checks()).extracting(CheckSpec::id).containsExactly("web@shop.example", "web@blog.example", "mx");
        HttpCheck blog = (HttpCheck) p.check("web@blog.example").orElseThrow();
        assertThat(blog.url().toString()).isEqualTo("https://www.blog.example/health");
        assertThat(blog.expectBody()).isEqualTo("blog.example");
        assertThat(blog.connectTo()).isEqualTo("203.0.113.10");
        assertThat(p.phase("verify").orElseThrow().checks()).containsExactly("web@shop.example", "web@blog.example", "mx");
    }

    @Test
    void aTemplateWithoutZoneAndAZoneWithoutTemplateAreErrors() {
        onlyError(HEAD + """
                checks:
                  - { id: web, forEachZone: true, http: "https://www.example.com/" }
                """, 7, 29, "nothing in this check says {zone}", "every zone would get the same check");
        onlyError(HEAD + """
                checks:
                  - { id: web, http: "https://www.{zone}/" }
                """, 7, 22, "'{zone}' is only replaced in a check with forEachZone: true");
    }

    @Test
    void idsStayUniqueAndAtIsReservedForExpansions() {
        onlyError(HEAD + """
                checks:
                  - { id: web@shop.example, tcp: "192.0.2.1:80" }
                """, 7, 11, "'@' is kept for the checks a forEachZone check expands to");
        onlyError(HEAD + """
                checks:
                  - { id: web, forEachZone: true, tcp: "192.0.2.1:80", expectBanner: "{zone}" }
                  - { id: web, tcp: "192.0.2.1:81" }
                """, 8, 11, "check id 'web' is used twice");
    }

    @Test
    void anErrorInATemplateIsReportedOnceAtItsLineNamingTheZone() {
        List<PlanError> errs = errors(HEAD + """
                checks:
                  - { id: dns, forEachZone: true, dns: "192.0.2.53", name: "www.{zone}", type: A, expect: ["not-an-ip"] }
                """);
        assertThat(errs).hasSize(1);
        PlanLoaderTest.assertError(errs.get(0), 7, 92, "found 'not-an-ip'", "(in the check for zone shop.example)");
    }

    @Test
    void dnsChecksTakeAnAddressAndNormalisedData() throws Exception {
        Plan p = load(HEAD + """
                checks:
                  - { id: fwd, dns: "127.0.0.1:5353", name: WWW.Shop.Example, type: mx, expect: ["10 mail"] }
                """);
        DnsCheck d = (DnsCheck) p.checks().get(0);
        assertThat(d.server()).isEqualTo(new HostPort("127.0.0.1", 5353));
        assertThat(d.name()).isEqualTo("www.shop.example.");
        assertThat(d.type()).isEqualTo("MX");
        assertThat(d.expect()).containsExactly("10 mail.shop.example.");
        onlyError(HEAD + """
                checks:
                  - { id: fwd, dns: ns1.example.net, name: www.shop.example, expect: [] }
                """, 7, 21, "found 'ns1.example.net'", "names would go through the system resolver");
        onlyError(HEAD + """
                checks:
                  - { id: fwd, dns: 192.0.2.53, name: www.shop.example }
                """, 7, 5, "missing 'expect'");
    }

    @Test
    void smtpChecksRefuseWhatCouldInjectCommandsAndIncompleteTls() throws Exception {
        Plan p = load(HEAD + """
                checks:
                  - { id: hold, smtp: 203.0.113.25, rcptTo: postmaster@shop.example, expect: defer }
                  - { id: new, smtp: "198.51.100.25:587", starttls: true, tlsName: Mail.Shop.Example, mailFrom: "",
                      rcptTo: postmaster@shop.example }
                """);
        SmtpCheck hold = (SmtpCheck) p.checks().get(0);
        assertThat(hold.server()).isEqualTo(new HostPort("203.0.113.25", 25));
        assertThat(hold.expectDefer()).isTrue();
        assertThat(hold.mailFrom()).isEmpty();
        assertThat(hold.helo()).isEqualTo("localhost");
        SmtpCheck fresh = (SmtpCheck) p.checks().get(1);
        assertThat(fresh.starttls()).isTrue();
        assertThat(fresh.tlsName()).isEqualTo("mail.shop.example");
        assertThat(fresh.expectDefer()).isFalse();

        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, rcptTo: "a@b.example>\\r\\nDATA" }
                """, 7, 40, "expected a plain mail address");
        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, starttls: true }
                """, 7, 5, "missing 'tlsName'");
        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, caFile: ca.pem }
                """, 7, 32, "'caFile' needs starttls: true");
        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, expect: bounce }
                """, 7, 40, "expected 'accept'", "or 'defer'");
        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, mailFrom: a@b.example }
                """, 7, 32, "mailFrom without rcptTo proves nothing");
    }

    @Test
    void aCheckHasExactlyOneKind() {
        onlyError(HEAD + """
                checks:
                  - { id: x, smtp: 192.0.2.25, tcp: "192.0.2.25:25" }
                """, 7, 5, "exactly one of 'http'", "found [tcp, smtp]");
    }

    @Test
    void rewriteRulesTakeSpf() throws Exception {
        Plan p = load(HEAD + """
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25, spf: true }
                  - { from: 203.0.113.26, to: 198.51.100.26 }
                """);
        assertThat(p.rewrites()).extracting(RewriteRule::spf).containsExactly(true, false);
    }

    @Test
    void resolversKeepTheirListFormAndGainAGate() throws Exception {
        Plan list = load(HEAD + "resolvers: [192.0.2.1, \"127.0.0.1:5353\"]\n");
        assertThat(list.propagation().resolvers()).containsExactly("192.0.2.1:53", "127.0.0.1:5353");
        assertThat(list.propagation().resolverGate()).isFalse();

        Plan gated = load(HEAD + "resolvers: { addresses: [192.0.2.1], gate: true }\n");
        assertThat(gated.propagation().resolvers()).containsExactly("192.0.2.1:53");
        assertThat(gated.propagation().resolverGate()).isTrue();

        List<PlanError> errs = errors(HEAD + "resolvers: { adresses: [192.0.2.1], gate: true }\n");
        PlanLoaderTest.assertError(errs.get(0), 6, 14, "unknown key 'adresses'", "did you mean 'addresses'?");
        PlanLoaderTest.assertError(errs.get(1), 6, 12, "missing 'addresses'");
    }
}
