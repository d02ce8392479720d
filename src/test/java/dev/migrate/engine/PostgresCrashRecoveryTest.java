package dev.migrate.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.lab.PostgresServer;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.pg.PostgresStateStore;
import dev.migrate.state.pg.PostgresUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The crash-point test of the file journal, every kill point and every assertion of it, with the journal
 * and lock in a real PostgreSQL (each case a database of its own, named by {@code state:} in its plan).
 */
class PostgresCrashRecoveryTest extends CrashRecoveryTest {
    static PostgresServer pg;
    static final AtomicInteger CASES = new AtomicInteger();

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) pg.close();
    }

    @Override
    String stateKey(Path caseDir) throws IOException {
        Path pw = caseDir.resolve("pg.pw");
        Files.writeString(pw, pg.password() + "\n");
        return "state: " + pg.createDatabase("crash_" + CASES.incrementAndGet()) + "&passwordFile=" + pw + "\n";
    }

    @Override
    List<JsonNode> journalOf(Case c) throws IOException {
        String url = Files.readAllLines(c.plan).stream().filter(l -> l.startsWith("state: ")).findFirst().orElseThrow()
                .substring("state: ".length());
        List<JsonNode> out = new ArrayList<>();
        for (Event e : PostgresStateStore.of(PostgresUrl.parse(url, c.dir), "bulk-move", null, Clock.systemUTC(),
                Map.<String, String>of()::get).read()) {
            out.add(EngineFixture.JSON.readTree(Journal.line(e)));
        }
        return out;
    }
}
