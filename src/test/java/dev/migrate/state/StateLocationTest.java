package dev.migrate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanError;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import dev.migrate.secret.Redactor;
import dev.migrate.state.pg.PostgresUrl;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the state lives: the forms an operator writes, which one wins, and that no password gets through. */
class StateLocationTest {
    static final Path BASE = Path.of("/etc/migrate");

    @Test
    void theFormsAnOperatorWrites() {
        assertThat(StateLocation.parse("file:", BASE)).isEqualTo(StateLocation.DEFAULT);
        assertThat(StateLocation.parse("file:state", BASE)).isEqualTo(new StateLocation.Directory(Path.of("/etc/migrate/state")));
        assertThat(StateLocation.parse("file:///var/lib/migrate", BASE))
                .isEqualTo(new StateLocation.Directory(Path.of("/var/lib/migrate")));
        StateLocation db = StateLocation.parse("postgresql://db.internal:6543/ops?user=migrate&passwordFile=pg.pw"
                + "&takeoverAfter=1m&sslmode=verify-full", BASE);
        PostgresUrl u = ((StateLocation.Database) db).url();
        assertThat(u.host()).isEqualTo("db.internal");
        assertThat(u.port()).isEqualTo(6543);
        assertThat(u.database()).isEqualTo("ops");
        assertThat(u.user()).isEqualTo("migrate");
        assertThat(u.passwordFile()).isEqualTo(Path.of("/etc/migrate/pg.pw"));
        assertThat(u.takeoverAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(u.sslmode()).isEqualTo("verify-full");
        assertThat(db.toString()).isEqualTo("postgresql://migrate@db.internal:6543/ops");
        PostgresUrl dflt = ((StateLocation.Database) StateLocation.parse("postgres://migrate@127.0.0.1/ops", BASE)).url();
        assertThat(dflt.port()).isEqualTo(5432);
        assertThat(dflt.takeoverAfter()).isEqualTo(PostgresUrl.DEFAULT_TAKEOVER);
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverRepeated() {
        for (String url : List.of("postgresql://migrate:Hunter2-pw-99@db/ops", "postgresql://db/ops?user=m&password=Hunter2-pw-99")) {
            assertThatThrownBy(() -> StateLocation.parse(url, BASE))
                    .hasMessageContaining("a password is never written in the state URL")
                    .hasMessageContaining("passwordFile").hasMessageNotContaining("Hunter2-pw-99");
            assertThat(Redactor.global().redact("oops " + url)).as("and it is hidden from every later message")
                    .doesNotContain("Hunter2-pw-99");
        }
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> StateLocation.parse("mysql://db/ops", BASE)).hasMessageContaining("expected file:");
        assertThatThrownBy(() -> StateLocation.parse("postgresql://db/ops", BASE)).hasMessageContaining("no user");
        assertThatThrownBy(() -> StateLocation.parse("postgresql://db?user=m", BASE)).hasMessageContaining("no database");
        assertThatThrownBy(() -> StateLocation.parse("postgresql://db/ops?user=m&pasword=x", BASE))
                .hasMessageContaining("unknown parameter 'pasword'");
        assertThatThrownBy(() -> StateLocation.parse("postgresql://db/ops?user=m&takeoverAfter=1s", BASE))
                .hasMessageContaining("takeoverAfter must be between 2s and 1h");
        assertThatThrownBy(() -> StateLocation.parse("postgresql://db/ops?user=m&sslmode=maybe", BASE))
                .hasMessageContaining("sslmode 'maybe'");
    }

    @Test
    void theCommandLineBeatsTheEnvironmentWhichBeatsThePlan() {
        Path cwd = Path.of("/home/op");
        StateLocation plan = StateLocation.parse("postgresql://db/ops?user=plan", BASE);
        Map<String, String> env = Map.of("MIGRATE_STATE", "postgresql://db/ops?user=env");
        assertThat(StateStores.choose(null, null, Map.<String, String>of()::get, null, cwd)).isEqualTo(StateLocation.DEFAULT);
        assertThat(StateStores.choose(null, null, Map.<String, String>of()::get, plan, cwd)).isEqualTo(plan);
        assertThat(StateStores.choose(null, null, env::get, plan, cwd).toString()).contains("env@");
        assertThat(StateStores.choose("file:", null, env::get, plan, cwd)).isEqualTo(StateLocation.DEFAULT);
        assertThat(StateStores.choose(null, Path.of("st"), env::get, plan, cwd))
                .isEqualTo(new StateLocation.Directory(Path.of("/home/op/st")));
        assertThat(StateStores.choose(null, null, Map.of("MIGRATE_STATE_DIR", "/srv/st")::get, plan, cwd))
                .isEqualTo(new StateLocation.Directory(Path.of("/srv/st")));
        assertThatThrownBy(() -> StateStores.choose("file:", Path.of("x"), env::get, plan, cwd))
                .hasMessageContaining("--state and --state-dir both say where the state is");
        assertThatThrownBy(() -> StateStores.choose(null, null,
                Map.of("MIGRATE_STATE", "file:", "MIGRATE_STATE_DIR", "/x")::get, plan, cwd))
                .hasMessageContaining("MIGRATE_STATE and MIGRATE_STATE_DIR");
        assertThatThrownBy(() -> StateStores.choose("postgresql://x:Secret-in-cli-77@db/o", null, env::get, plan, cwd))
                .hasMessageStartingWith("--state: a password is never written").hasMessageNotContaining("Secret-in-cli-77");
    }

    @Test
    void theDefaultIsTheDirectoryBesideThePlanAndADatabaseIsTheDatabase() {
        StateStore f = StateStores.of(StateLocation.DEFAULT, "web", BASE, null, java.time.Clock.systemUTC(), k -> null);
        assertThat(f).isInstanceOf(FileStateStore.class);
        assertThat(((FileStateStore) f).directory()).isEqualTo(Path.of("/etc/migrate/.migrate/web"));
        StateStore d = StateStores.of(StateLocation.parse("postgresql://127.0.0.1/ops?user=m", BASE), "web", BASE, "abc",
                java.time.Clock.systemUTC(), k -> null);
        assertThat(d.describe()).isEqualTo("database postgresql://m@127.0.0.1:5432/ops, migration web");
        assertThatThrownBy(() -> StateStores.of(StateLocation.parse("postgresql://127.0.0.1/ops?user=m&passwordFile=nope.pw",
                BASE), "web", BASE, null, java.time.Clock.systemUTC(), k -> null))
                .hasMessage("passwordFile /etc/migrate/nope.pw: no such file");
    }

    // ---------------------------------------------------------------- state: in the plan

    static final Path FILE = Path.of("plans", "test.yaml");
    static final PlanLoader LOADER = new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()));
    static final String PLAN = """
            name: web-move
            cutover: 2026-12-01T02:00:00Z
            provider: { type: zonefile, directory: zones }
            zones: [example.com]
            ttl: { lowered: 300 }
            """;

    @Test
    void thePlanMayNameItsState() throws Exception {
        Plan none = LOADER.load(new StringReader(PLAN), FILE);
        assertThat(none.state()).isNull();
        Plan db = LOADER.load(new StringReader(PLAN + "state: postgresql://10.0.0.5/ops?user=migrate&passwordFile=pg.pw\n"), FILE);
        assertThat(((StateLocation.Database) db.state()).url().passwordFile())
                .isEqualTo(FILE.toAbsolutePath().getParent().resolve("pg.pw"));
        // "file:" at the end of a YAML line reads as a key: the plan says file, or quotes it
        assertThat(LOADER.load(new StringReader(PLAN + "state: file\n"), FILE).state()).isEqualTo(StateLocation.DEFAULT);
        assertThat(LOADER.load(new StringReader(PLAN + "state: \"file:\"\n"), FILE).state()).isEqualTo(StateLocation.DEFAULT);
        Plan dir = LOADER.load(new StringReader(PLAN + "state: file:shared/state\n"), FILE);
        assertThat(dir.state()).isEqualTo(new StateLocation.Directory(FILE.toAbsolutePath().getParent().resolve("shared/state")));
    }

    @Test
    void aBadStateInThePlanIsAnErrorAtItsLineThatNeverShowsAPassword() {
        PlanError e = onlyError(PLAN + "state: postgresql://migrate:Plan-pw-12345@10.0.0.5/ops\n");
        assertThat(e.toString()).startsWith(FILE + ":6:8: state: a password is never written in the state URL")
                .doesNotContain("Plan-pw-12345");
        assertThat(onlyError(PLAN + "state: sqlite:/tmp/x\n").toString()).startsWith(FILE + ":6:8: state: expected file:");
        assertThat(onlyError(PLAN + "staet: file\n").toString()).contains("unknown key 'staet'").contains("did you mean 'state'");
    }

    static PlanError onlyError(String yaml) {
        PlanException e = catchThrowableOfType(PlanException.class, () -> LOADER.load(new StringReader(yaml), FILE));
        assertThat(e).as("rejected:%n%s", yaml).isNotNull();
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0);
    }
}
