package dev.migrate.provider.route53;

import static dev.migrate.provider.ProviderContract.ZONE;
import static dev.migrate.provider.ProviderContract.rrset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.provider.ProviderContract;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: route53} through the command line against the stateful fake, for what the contract does not
 * cover: a change racing the swap, a rewrite too large for one request, throttled writes, a write that stays
 * throttled, records Route 53 holds that the tool must not target, settings errors, secrets.
 */
class Route53CliTest {
    @TempDir
    Path dir;

    Route53Lab lab;
    Path plan;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    void start(String zoneText, String planText) throws Exception {
        lab = Route53Lab.start(dir, ZONE, zoneText);
        lab.fake.pageSize = 5;
        plan = dir.resolve("cutover.yaml");
        Files.writeString(plan, planText);
    }

    void startContractPlan() throws Exception {
        start(ProviderContract.ZONE_TEXT, "");
        Files.writeString(plan, ProviderContract.planText("r53", lab.providerBlock(), "propagation: { via: provider }"));
    }

    Cli.Run migrate(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, plan.toString());
        return Cli.migrate(a.toArray(String[]::new));
    }

    JournalState journal(String planName) throws Exception {
        return JournalState.of(events(planName));
    }

    List<Event> events(String planName) throws Exception {
        return Journal.eventsIn(dir.resolve(".migrate").resolve(planName));
    }

    @Test
    void aChangeRacingTheSwapIsAConflictAndNothingIsOverwritten() throws Exception {
        startContractPlan();
        assertThat(migrate("apply", "--now", "2030-01-07T12:00:00Z").code()).isZero();
        assertThat(migrate("apply", "--now", "2030-01-09T12:00:00Z").code()).isZero();
        // Someone changes www after the engine read the zone and before its write reaches Route 53.
        lab.fake.beforeNextChange(() -> lab.fake.putPlain(Route53Lab.ZONE_ID, "www.example.test", "A", 300, "192.0.2.77"));

        Cli.Run swap = migrate("apply", "--now", ProviderContract.T);
        assertThat(swap.code()).as(swap.all()).isEqualTo(4);
        assertThat(swap.err()).contains("conflict in example.test.", "www.example.test. A", "expected TTL 300 [203.0.113.10]",
                "live TTL 300 [192.0.2.77]", "Nothing was overwritten");
        assertThat(lab.held("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "192.0.2.77"));
        assertThat(lab.held("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:10::10"));
        assertThat(lab.held("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 300, "203.0.113.25"));
        assertThat(lab.held(ZONE, "TXT")).isNull();
        FakeRoute53.ChangeRequest refused = lab.fake.changeRequests.get(lab.fake.changeRequests.size() - 1);
        assertThat(refused.accepted()).isFalse();
        JournalState st = journal("r53");
        assertThat(st.pending()).isEmpty();
        assertThat(events("r53")).anyMatch(e -> e.type().equals(Event.ABORTED));
    }

    @Test
    void aRewriteOfTwoThousandFiveHundredRRsetsGoesInRequestsWithinRouteFiftyThreesLimits() throws Exception {
        StringBuilder zone = new StringBuilder("$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n");
        for (int i = 0; i < 2500; i++) zone.append("h").append(i).append(" IN A 203.0.113.25\n");
        start(zone.toString(), """
                name: big-rewrite
                cutover: 2030-01-10T12:00:00Z
                provider:
                %s
                zones: [example.test]
                ttl: { lowered: 300, restore: original }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                propagation: { via: provider }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                """.formatted("PROVIDER"));
        Files.writeString(plan, Files.readString(plan).replace("PROVIDER", lab.providerBlock().indent(2).stripTrailing()));
        lab.fake.pageSize = 300; // what Route 53 gives at most

        assertThat(migrate("apply", "--now", "2030-01-07T12:00:00Z").code()).isZero(); // TTLs are 300 already
        assertThat(lab.fake.changeRequests).isEmpty();
        Cli.Run swap = migrate("apply", "--now", "2030-01-10T12:00:00Z");
        assertThat(swap.code()).as(swap.all()).isZero();

        List<FakeRoute53.ChangeRequest> sent = lab.fake.changeRequests;
        // Each RRset is a DELETE and a CREATE of one record: 500 RRsets (1,000 ResourceRecords) per request.
        assertThat(sent).hasSize(5).allMatch(FakeRoute53.ChangeRequest::accepted)
                .allMatch(r -> r.resourceRecords() == 1000 && r.valueChars() <= 32000 && r.actions().size() == 1000);
        for (int i = 0; i < 2500; i += 499) {
            assertThat(lab.held("h" + i + ".example.test.", "A")).isEqualTo(rrset("h" + i + ".example.test.", "A", 300,
                    "198.51.100.25"));
        }
        assertThat(lab.fake.all(Route53Lab.ZONE_ID)).filteredOn(s -> s.type().equals("A"))
                .hasSize(2500).allMatch(s -> s.values().equals(List.of("198.51.100.25")));
        JournalState st = journal("big-rewrite");
        assertThat(st.pending()).isEmpty();
        assertThat(events("big-rewrite").stream().filter(e -> e.type().equals(Event.COMMIT))).hasSize(5);
        // The process's token bucket kept to Route 53's five requests per second (allowing for arrival jitter).
        assertThat(lab.fake.busiestSecond()).isLessThanOrEqualTo(6);
        System.out.printf("route53 2,500-RRset rewrite: %d change requests, %s ResourceRecords, %s value characters;"
                        + " %d requests in all%n", sent.size(), sent.stream().map(r -> "" + r.resourceRecords()).toList(),
                sent.stream().map(r -> "" + r.valueChars()).toList(), lab.fake.requests.size());
    }

    @Test
    void throttledWritesAreRetriedByTheEngineAndLand() throws Exception {
        startContractPlan();
        lab.fake.throttleNext(1, "Throttling", true);
        lab.fake.throttleNext(1, "PriorRequestNotComplete", true);

        Cli.Run lower = migrate("apply", "--now", "2030-01-07T12:00:00Z");
        assertThat(lower.code()).as(lower.all()).isZero();
        assertThat(lower.out()).contains("Rate exceeded", "trying again (2/3)", "still processing", "trying again (3/3)");
        assertThat(lab.fake.requests.stream().filter(r -> r.startsWith("POST"))).hasSize(3);
        assertThat(lab.fake.changeRequests).singleElement().satisfies(r -> assertThat(r.accepted()).isTrue());
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(300);
        assertThat(journal("r53").pending()).isEmpty();
    }

    @Test
    void aWriteThatStaysThrottledEndsWithAClearErrorAndChangesNothing() throws Exception {
        startContractPlan();
        lab.fake.throttleNext(3, "Throttling", true);

        Cli.Run lower = migrate("apply", "--now", "2030-01-07T12:00:00Z");
        assertThat(lower.code()).as(lower.all()).isEqualTo(1);
        assertThat(lower.err()).contains("Throttling", "Rate exceeded", "five requests per second", "nothing was changed");
        assertThat(lower.err()).doesNotContain("Exception", "\tat ");
        assertThat(lab.fake.changeRequests).isEmpty();
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(3600);
        assertThat(journal("r53").pending()).isEmpty();

        // Once Route 53 takes requests again, the next apply runs the phase.
        Cli.Run again = migrate("apply", "--now", "2030-01-07T12:10:00Z");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(lab.held("www.example.test.", "A").ttl()).isEqualTo(300);
    }

    @Test
    void aliasAndRoutingPolicyRecordsAreRefusedAsTargetsAtPlanTimeAndLeftAlone() throws Exception {
        startContractPlan();
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("cdn.example.test", "A", null, null, List.of(),
                "d111111abcdef8.cloudfront.net.", null));
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("api.example.test", "A", "eu", 60L, List.of("192.0.2.1"), null, 70));
        lab.fake.put(lab.zone, new FakeRoute53.RecordSet("api.example.test", "A", "us", 60L, List.of("192.0.2.2"), null, 30));
        List<FakeRoute53.RecordSet> before = lab.fake.all(Route53Lab.ZONE_ID);
        String text = Files.readString(plan).replace("changes:\n", """
                changes:
                  - { name: cdn, type: A, to: [198.51.100.80] }
                  - { name: api, type: A, to: [198.51.100.81] }
                """);
        Files.writeString(plan, text);

        Cli.Run preview = migrate("plan", "--now", "2030-01-06T12:00:00Z");
        assertThat(preview.code()).as(preview.all()).isEqualTo(4);
        assertThat(preview.all()).contains("cdn.example.test. A: a Route 53 alias to d111111abcdef8.cloudfront.net.",
                "api.example.test. A: records under a Route 53 routing policy");
        Cli.Run apply = migrate("apply", "--now", "2030-01-07T12:00:00Z");
        assertThat(apply.code()).as(apply.all()).isEqualTo(4);
        assertThat(apply.all()).contains("cdn.example.test. A: a Route 53 alias");
        assertThat(lab.fake.all(Route53Lab.ZONE_ID)).isEqualTo(before);
        assertThat(lab.fake.changeRequests).isEmpty();
    }

    @Test
    void badSettingsAreReportedAtTheirLineAndColumnAndRouteFiftyThreeIsListed() throws Exception {
        startContractPlan();
        Files.writeString(plan, Files.readString(plan).replace("timeout: 5s",
                "timeout: soon\n  hostedZones: { example.test: not-an-id }\n  endpoint2: x"));
        Cli.Run preview = migrate("plan", "--now", "2030-01-06T12:00:00Z");
        assertThat(preview.code()).as(preview.all()).isEqualTo(2);
        String file = plan.toString();
        assertThat(preview.err()).contains(file + ":8:12: 'soon' is not a duration",
                file + ":9:32: 'not-an-id' is not a hosted zone id",
                file + ":10:3: unknown key 'endpoint2' in provider route53", "(did you mean 'endpoint'?)");
        assertThat(lab.fake.requests).isEmpty();

        Cli.Run providers = Cli.migrate("providers");
        assertThat(providers.out()).contains("route53", "compare-and-set: yes", "serial meaningful: no", "batch up to 500",
                "keys: credentialsFile, endpoint, hostedZones, profile, region, syncTimeout, timeout");
    }

    @Test
    void aCredentialsFileThatIsMissingOrLacksTheProfileIsAPlanErrorBeforeAnythingIsAsked() throws Exception {
        startContractPlan();
        String file = plan.toString();
        int line = Files.readString(plan).lines().toList().indexOf(
                Files.readString(plan).lines().filter(l -> l.contains("credentialsFile:")).findFirst().orElseThrow()) + 1;
        String credentials = Files.readString(lab.credentials);

        Files.delete(lab.credentials);
        for (String command : List.of("plan", "status", "apply")) {
            Cli.Run missing = migrate(command, "--now", "2030-01-07T12:00:00Z");
            assertThat(missing.code()).as(command + ": " + missing.all()).isEqualTo(2);
            assertThat(missing.err()).as(command).contains(file + ":" + line + ":")
                    .contains("cannot read the AWS credentials file " + lab.credentials + ": NoSuchFileException");
        }

        Files.writeString(lab.credentials, credentials.replace("[" + Route53Lab.PROFILE + "]", "[staging]"));
        Cli.Run noProfile = migrate("plan", "--now", "2030-01-07T12:00:00Z");
        assertThat(noProfile.code()).as(noProfile.all()).isEqualTo(2);
        assertThat(noProfile.err()).contains("has no profile " + Route53Lab.PROFILE + "; it has default, staging");

        Files.writeString(lab.credentials, "[" + Route53Lab.PROFILE + "]\nregion = eu-west-1\n");
        Cli.Run noKeys = migrate("plan", "--now", "2030-01-07T12:00:00Z");
        assertThat(noKeys.code()).as(noKeys.all()).isEqualTo(2);
        assertThat(noKeys.err()).contains("profile " + Route53Lab.PROFILE + " of " + lab.credentials
                + " has neither aws_access_key_id with aws_secret_access_key nor credential_process");

        // A device, a directory or a huge file named by mistake: refused at once, never read whole.
        String planText = Files.readString(plan);
        Path big = dir.resolve("big-credentials");
        try (var out = Files.newOutputStream(big)) {
            byte[] section = ("[p" + "x".repeat(60) + "]\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 2 * 1024 * 1024 / section.length + 1; i++) out.write(section);
        }
        for (String[] bad : List.of(new String[] {"/dev/zero", "is not a regular file"},
                new String[] {dir.toString(), "is not a regular file"},
                new String[] {big.toString(), "is larger than 1024 KiB"})) {
            Files.writeString(plan, planText.replace("credentialsFile: aws-credentials", "credentialsFile: " + bad[0]));
            Cli.Run refused = migrate("status", "--now", "2030-01-07T12:00:00Z");
            assertThat(refused.code()).as(bad[0] + ": " + refused.all()).isEqualTo(2);
            assertThat(refused.err()).as(bad[0]).contains("the AWS credentials file " + bad[0] + " " + bad[1]);
        }

        assertThat(lab.fake.requests).as("nothing was asked of Route 53").isEmpty();
        assertThat(dir.resolve(".migrate").resolve("r53")).as("no journal begun").doesNotExist();
    }

    @Test
    void theSecretKeyIsNeverPrintedNorJournaledEvenWhenRouteFiftyThreeRefusesIt() throws Exception {
        startContractPlan();
        assertThat(migrate("apply", "--now", "2030-01-07T12:00:00Z").code()).isZero();
        lab.fake.accessKeyId = "AKIDSOMEBODYELSE"; // the key was rotated away

        Cli.Run refused = migrate("apply", "--now", "2030-01-09T12:00:00Z", "--verbose");
        assertThat(refused.code()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("InvalidClientTokenId", "refused the credentials from profile migrate of");
        assertThat(refused.all()).doesNotContain(Route53Lab.SECRET);
        try (Stream<Path> files = Files.walk(dir.resolve(".migrate"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(Route53Lab.SECRET);
            }
        }
    }
}
