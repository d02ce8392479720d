package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.Ports;
import dev.migrate.lab.SmtpResponder;
import dev.migrate.lab.TestCa;
import dev.migrate.plan.CheckSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smtp check against a real SMTP conversation on 127.0.0.1 ({@link SmtpResponder}): the new host
 * answers 250, the held host 451, a broken one 550; STARTTLS with certificates from the lab CA.
 */
class SmtpCheckLabTest {
    static final String MX = "mail.example.test";

    @TempDir
    static Path tmp;
    static TestCa ca;

    final HttpTcpChecks checks = new HttpTcpChecks(Clock.systemUTC());

    @BeforeAll
    static void ca() {
        ca = TestCa.create(tmp);
    }

    ServiceChecks.Result run(String checkYaml) throws InterruptedException {
        List<CheckSpec> specs = PlanChecks.checks(tmp, checkYaml);
        assertThat(specs).hasSize(1);
        return checks.run(specs).get(0);
    }

    @Test
    void theNewHostAcceptsOverVerifiedStarttlsAndNoMailIsEverSent() throws Exception {
        try (SmtpResponder mx = SmtpResponder.builder().starttls(ca.issue(MX)).rcpt(250).start()) {
            ServiceChecks.Result r = run("""
                    - { id: new-mx, smtp: "%s", helo: checker.example.test, starttls: true, tlsName: %s, caFile: ca.pem,
                        minCertDays: 7, mailFrom: probe@example.test, rcptTo: postmaster@example.test }
                    """.formatted(mx.address(), MX));
            assertThat(r.passed()).as(r.detail()).isTrue();
            assertThat(r.detail()).contains("accepts mail for postmaster@example.test").contains("TLS")
                    .contains("certificate " + MX).contains("days left");
            assertThat(mx.transcript()).containsExactly("EHLO checker.example.test", "STARTTLS", "EHLO checker.example.test",
                    "MAIL FROM:<probe@example.test>", "RCPT TO:<postmaster@example.test>", "QUIT");
        }
    }

    @Test
    void aHoldHostAnswering451DefersAndPassesButFailsWhereAcceptIsExpected() throws Exception {
        try (SmtpResponder hold = SmtpResponder.builder().rcpt(451).start()) {
            ServiceChecks.Result defer = run("""
                    - { id: hold, smtp: "%s", rcptTo: postmaster@example.test, expect: defer }
                    """.formatted(hold.address()));
            assertThat(defer.passed()).as(defer.detail()).isTrue();
            assertThat(defer.detail()).contains("defers to RCPT TO:<postmaster@example.test> with 451")
                    .contains("senders queue the mail and retry");
            assertThat(hold.transcript()).contains("MAIL FROM:<>").doesNotContain("DATA");

            ServiceChecks.Result accept = run("""
                    - { id: new, smtp: "%s", rcptTo: postmaster@example.test }
                    """.formatted(hold.address()));
            assertThat(accept.passed()).isFalse();
            assertThat(accept.detail()).contains("451").contains("expected it accepted");
        }
    }

    @Test
    void a550FromAHostThatShouldOnlyDeferFailsBecauseSendersWouldBounce() throws Exception {
        try (SmtpResponder broken = SmtpResponder.builder().rcpt(550).start()) {
            ServiceChecks.Result r = run("""
                    - { id: hold, smtp: "%s", rcptTo: postmaster@example.test, expect: defer }
                    """.formatted(broken.address()));
            assertThat(r.passed()).isFalse();
            assertThat(r.detail()).contains("refuses to RCPT TO:<postmaster@example.test> with 550")
                    .contains("senders would bounce the mail").contains("must answer 4xx");
        }
    }

    @Test
    void aHoldHostThatAcceptsMailFails() throws Exception {
        try (SmtpResponder open = SmtpResponder.builder().rcpt(250).start()) {
            ServiceChecks.Result r = run("""
                    - { id: hold, smtp: "%s", rcptTo: postmaster@example.test, expect: defer }
                    """.formatted(open.address()));
            assertThat(r.passed()).isFalse();
            assertThat(r.detail()).contains("accepts mail for postmaster@example.test").contains("should only defer");
        }
    }

    @Test
    void aRefusedConnectionCountsAsDeferringAndSaysSo() throws Exception {
        int closed = Ports.free(); // nothing listens there
        ServiceChecks.Result defer = run("""
                - { id: hold, smtp: "127.0.0.1:%d", rcptTo: postmaster@example.test, expect: defer }
                """.formatted(closed));
        assertThat(defer.passed()).as(defer.detail()).isTrue();
        assertThat(defer.detail()).contains("refused the connection").contains("counts as deferring");

        ServiceChecks.Result accept = run("""
                - { id: new, smtp: "127.0.0.1:%d" }
                """.formatted(closed));
        assertThat(accept.passed()).isFalse();
        assertThat(accept.detail()).contains("connection refused");
    }

    @Test
    void a421GreetingDefersAndA554GreetingFails() throws Exception {
        try (SmtpResponder busy = SmtpResponder.builder().greeting(421).start();
                SmtpResponder none = SmtpResponder.builder().greeting(554).start()) {
            ServiceChecks.Result r421 = run("""
                    - { id: hold, smtp: "%s", expect: defer }
                    """.formatted(busy.address()));
            assertThat(r421.passed()).as(r421.detail()).isTrue();
            assertThat(r421.detail()).contains("defers at connect").contains("421");

            ServiceChecks.Result r554 = run("""
                    - { id: hold, smtp: "%s", expect: defer }
                    """.formatted(none.address()));
            assertThat(r554.passed()).isFalse();
            assertThat(r554.detail()).contains("554").contains("bounce");
        }
    }

    @Test
    void starttlsFailuresNameTheCertificateProblem() throws Exception {
        TestCa other = TestCa.create(tmp.resolve("other"));
        try (SmtpResponder wrongName = SmtpResponder.builder().starttls(ca.issueWrongName(MX)).start();
                SmtpResponder untrusted = SmtpResponder.builder().starttls(other.issue(MX)).start();
                SmtpResponder noTls = SmtpResponder.builder().start()) {
            String check = "- { id: tls, smtp: \"%s\", starttls: true, tlsName: " + MX + ", caFile: ca.pem }";
            ServiceChecks.Result name = run(check.formatted(wrongName.address()));
            assertThat(name.passed()).isFalse();
            assertThat(name.detail()).contains("certificate is not valid for " + MX).contains("wrong-name.invalid");

            ServiceChecks.Result trust = run(check.formatted(untrusted.address()));
            assertThat(trust.passed()).isFalse();
            assertThat(trust.detail()).contains("certificate is not trusted").contains("ca.pem");

            ServiceChecks.Result missing = run(check.formatted(noTls.address()));
            assertThat(missing.passed()).isFalse();
            assertThat(missing.detail()).contains("does not offer STARTTLS");
        }
    }

    @Test
    void whatAHostileServerSaysReachesTheReportWithoutControlCharacters() throws Exception {
        try (SmtpResponder evil = SmtpResponder.builder().greeting(220).greetingText("evil\u001b]0;owned\u0007\u001b[2J").start()) {
            ServiceChecks.Result r = run("""
                    - { id: new, smtp: "%s" }
                    """.formatted(evil.address()));
            assertThat(r.passed()).as(r.detail()).isTrue();
            assertThat(r.detail()).contains("evil?]0;owned??[2J").doesNotContain("\u001b").doesNotContain("\u0007");
        }
    }

    @Test
    void oneTemplateChecksThatTheOldMailHostRelaysForEveryZone() throws Exception {
        try (SmtpResponder relay = SmtpResponder.builder().rcpt(250).start()) {
            List<CheckSpec> specs = PlanChecks.plan(tmp, List.of("shop.test", "blog.test", "mail.test"), """
                    - { id: old-mx-relays, forEachZone: true, smtp: "%s", mailFrom: probe@checker.test,
                        rcptTo: "postmaster@{zone}" }
                    """.formatted(relay.address())).checks();
            assertThat(specs).extracting(CheckSpec::id)
                    .containsExactly("old-mx-relays@shop.test", "old-mx-relays@blog.test", "old-mx-relays@mail.test");
            List<ServiceChecks.Result> results = checks.run(specs);
            assertThat(results).allMatch(ServiceChecks.Result::passed);
            assertThat(relay.transcript()).filteredOn(l -> l.startsWith("RCPT"))
                    .containsExactly("RCPT TO:<postmaster@shop.test>", "RCPT TO:<postmaster@blog.test>", "RCPT TO:<postmaster@mail.test>");
        }
    }
}
