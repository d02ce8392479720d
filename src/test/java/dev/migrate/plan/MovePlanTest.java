package dev.migrate.plan;

import static dev.migrate.plan.PlanLoaderTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.provider.powerdns.PowerDnsProviderFactory;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code move:} block and the move actions: a good plan loads normalised; each misuse is an error at its
 * file:line:column. Line 1 is the first line of each text block.
 */
class MovePlanTest {
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys(),
            "powerdns", new PowerDnsProviderFactory().keys()));

    static final String HEAD = """
            name: shop-to-new-dns
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [shop.example]
            ttl: { lowered: 300 }
            resolvers: [192.0.2.1]
            """;

    /** The timeline with T-offsets (anchors on other phases come with the steps issue). */
    static final String PHASES = """
            phases:
              - { id: copy,      at: T-7d,  action: copy-zone }
              - { id: same,      at: T-7d,  action: compare }
              - { id: lower-ttl, at: T-72h, action: lower-ttl }
              - { id: again,     at: T-1h,  action: compare }
              - { id: delegate,  at: T,     action: delegate, approval: required }
              - { id: delegated, at: T+1m,  action: await-delegation, timeout: 3d }
              - { id: release,   at: T+4d,  action: release-old, approval: required }
            """;

    static Plan load(String yaml) throws PlanException {
        return LOADER.load(new StringReader(yaml), PlanLoaderTest.FILE);
    }

    static List<PlanError> errors(String yaml) {
        return PlanLoaderTest.errors(LOADER, yaml);
    }

    static PlanError onlyError(String yaml, int line, int column, String... fragments) {
        return PlanLoaderTest.onlyError(LOADER, yaml, line, column, fragments);
    }

    @Test
    void aMovePlanLoadsNormalised() throws Exception {
        Plan p = load(HEAD + """
                move:
                  to: { type: powerdns, url: "http://127.0.0.1:8081", apiKeyEnv: PDNS_KEY }
                  nameservers: [NS1.New-Dns.example, ns2.new-dns.example.]
                  servers: ["127.0.0.1:5301", "[::1]:5301"]
                  parent: ["127.0.0.1:5300"]
                  dnssec: remove-ds-first
                """ + PHASES);
        MoveSpec m = p.move();
        assertThat(m.to().type()).isEqualTo("powerdns");
        assertThat(m.to().settings()).containsEntry("apiKeyEnv", "PDNS_KEY");
        assertThat(m.nameservers()).containsExactly("ns1.new-dns.example.", "ns2.new-dns.example.");
        assertThat(m.servers()).containsExactly("127.0.0.1:5301", "[::1]:5301");
        assertThat(m.parent()).containsExactly("127.0.0.1:5300");
        assertThat(m.parentAuto()).isFalse();
        assertThat(m.dnssec()).isEqualTo(MoveSpec.Dnssec.REMOVE_DS_FIRST);
        assertThat(p.phases()).extracting(PhaseSpec::action).containsExactly(Action.COPY_ZONE, Action.COMPARE,
                Action.LOWER_TTL, Action.COMPARE, Action.DELEGATE, Action.AWAIT_DELEGATION, Action.RELEASE_OLD);

        Plan auto = load(HEAD + """
                move: { to: { type: powerdns, url: "http://127.0.0.1:8081", apiKeyEnv: K }, nameservers: [ns1.n.example], parent: auto }
                """ + PHASES);
        assertThat(auto.move().parentAuto()).isTrue();
        assertThat(auto.move().dnssec()).isNull();
        assertThat(load(PlanLoaderTest.GOOD).move()).isNull();
    }

    @Test
    void theMoveBlockNeedsANewProviderCheckedLikeProvider() {
        onlyError(HEAD + """
                move:
                  nameservers: [ns1.new-dns.example.]
                """ + PHASES, 8, 3, "missing 'to' in move", "the new provider");
        List<PlanError> secret = errors(HEAD + """
                move:
                  to: { type: powerdns, url: "http://127.0.0.1:8081", apiKey: hunter2 }
                  nameservers: [ns1.new-dns.example.]
                """ + PHASES);
        assertThat(secret).hasSize(2);
        assertError(secret.get(0), 8, 55, "unknown key 'apiKey' in move.to powerdns", "apiKeyEnv, apiKeyFile");
        assertError(secret.get(1), 8, 55, "secrets are never written in a plan: use apiKeyEnv");
        assertThat(secret.toString()).doesNotContain("hunter2");
        onlyError(HEAD + """
                move:
                  to: { type: powerdsn }
                  nameservers: [ns1.new-dns.example.]
                """ + PHASES, 8, 15, "unknown provider type 'powerdsn'", "did you mean 'powerdns'");
        List<PlanError> typo = errors(HEAD + """
                move:
                  to: { type: zonefile, directory: new }
                  nameserver: [ns1.new-dns.example.]
                """ + PHASES);
        assertThat(typo).hasSize(2);
        assertError(typo.get(0), 9, 3, "unknown key 'nameserver' in move", "did you mean 'nameservers'");
        assertError(typo.get(1), 8, 3, "missing 'nameservers' in move");
    }

    @Test
    void nameserversAreHostNamesAndAddressesGoUnderServers() {
        String to = "move:\n  to: { type: zonefile, directory: new }\n";
        onlyError(HEAD + to + "  nameservers: [ns1.new.example., \"127.0.0.1:5301\"]\n" + PHASES, 9, 35,
                "found '127.0.0.1:5301' in move.nameservers", "go under move.servers");
        onlyError(HEAD + to + "  nameservers: [ns1.new.example., NS1.new.example]\n" + PHASES, 9, 35, "listed twice");
        onlyError(HEAD + to + "  nameservers: []\n" + PHASES, 9, 16, "found no nameservers");
        onlyError(HEAD + to + "  nameservers: [ns1.new.example.]\n  servers: [ns1.new.example.]\n" + PHASES, 10, 13,
                "found 'ns1.new.example.' in move.servers", "an IP address with an optional port");
        onlyError(HEAD + to + "  nameservers: [ns1.new.example.]\n  parent: nearest\n" + PHASES, 10, 11,
                "found 'nearest' in move.parent", "expected auto or a list");
        onlyError(HEAD + to + "  nameservers: [ns1.new.example.]\n  dnssec: keep\n" + PHASES, 10, 11,
                "found 'keep'", "remove-ds-first or same-keys");
    }

    @Test
    void moveActionsWithoutAMoveBlockAreErrors() {
        List<PlanError> errs = errors(HEAD + PHASES);
        assertThat(errs).hasSize(6);
        assertError(errs.get(0), 8, 5, "phase 'copy' is copy-zone, which moves the zones to another provider",
                "add a move: block");
        assertError(errs.get(5), 14, 5, "phase 'release' is release-old");
    }

    static final String MOVE = """
            move: { to: { type: zonefile, directory: new }, nameservers: [ns1.new.example., ns2.new.example.] }
            """;

    @Test
    void theMoveActionsRunInTheirOrder() {
        onlyError(HEAD + MOVE + """
                phases:
                  - { id: same, at: T-8d, action: compare }
                  - { id: copy, at: T-7d, action: copy-zone }
                """, 9, 5, "compare ('same', at T-8d) runs before copy-zone ('copy', at T-7d)");
        onlyError(HEAD + MOVE + """
                phases:
                  - { id: copy, at: T-7d, action: copy-zone }
                  - { id: delegate, at: T, action: delegate }
                """, 10, 5, "delegate ('delegate') needs a compare phase before it", "shown they serve the old zone exactly");
        onlyError(HEAD + MOVE + """
                phases:
                  - { id: same, at: T-7d, action: compare }
                  - { id: delegated, at: T, action: await-delegation }
                  - { id: delegate, at: T+1m, action: delegate }
                """, 10, 5, "await-delegation ('delegated', at T) runs before delegate ('delegate', at T+1m)");
        onlyError(HEAD + MOVE + """
                phases:
                  - { id: same, at: T-7d, action: compare }
                  - { id: delegate, at: T, action: delegate }
                  - { id: release, at: T+4d, action: release-old }
                """, 11, 5, "release-old ('release') needs a await-delegation phase before it",
                "parent NS TTL + child NS TTL + margin");
        onlyError(HEAD + MOVE + """
                phases:
                  - { id: copy, at: T-7d, action: copy-zone }
                  - { id: copy2, at: T-6d, action: copy-zone }
                """, 10, 36, "a second copy-zone phase");
    }

    @Test
    void theParentAndTheNewServersMustBeFindable() {
        String noResolvers = HEAD.replace("resolvers: [192.0.2.1]\n", "");
        List<PlanError> flow = errors(noResolvers + MOVE + PHASES);
        assertThat(flow).hasSize(2);
        assertError(flow.get(0), 6, 7, "move.parent is auto", "add resolvers: or list the parent's addresses");
        assertError(flow.get(1), 6, 62, "compare asks every address of move.nameservers");
        List<PlanError> both = errors(noResolvers + """
                move:
                  to: { type: zonefile, directory: new }
                  nameservers: [ns1.new.example.]
                  parent: auto
                """ + PHASES);
        assertThat(both).hasSize(2);
        assertError(both.get(0), 9, 11, "move.parent is auto");
        assertError(both.get(1), 8, 16, "compare asks every address of move.nameservers", "move.servers");
    }
}
