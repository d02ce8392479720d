package dev.migrate.cli;

import dev.migrate.lab.LabBinaries;
import dev.migrate.lab.TsigKey;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The person at the keyboard when the manual provider asks for a change: reads what `migrate` prints on
 * stderr, as it is printed, and at the moment a request is complete makes exactly the printed change on
 * the primary with a real {@code nsupdate} process (another program, as a hosting panel would be), from
 * another thread. Nothing else is told what to change: if the printed text were not enough, the change
 * would be wrong. {@link #editing(UnaryOperator)} makes the person type something else.
 */
final class OperatorByNsupdate extends Writer {
    private static final Pattern ITEM = Pattern.compile("^\\s+\\d+\\. (\\S+) (\\S+)  \\(in a panel: name \\S+, type \\S+\\): (DELETE|.*)");
    private static final Pattern RECORD = Pattern.compile("^ {7}(\\S+) (\\d+) IN (\\S+) (.+)$");

    private final int port;
    private final TsigKey key;
    private final Path dir;
    private final StringBuilder all = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private final List<String> block = new ArrayList<>();
    private final List<String> scripts = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService hands = Executors.newSingleThreadExecutor();
    private volatile boolean acting = true;
    private volatile UnaryOperator<String> typo = UnaryOperator.identity();

    OperatorByNsupdate(int primaryPort, TsigKey key, Path dir) {
        this.port = primaryPort;
        this.key = key;
        this.dir = dir;
    }

    /** From now on, reads but never acts (away from the keyboard). */
    OperatorByNsupdate away() {
        acting = false;
        return this;
    }

    /** From now on, types each record's data through {@code edit} (a wrong address, say). */
    OperatorByNsupdate editing(UnaryOperator<String> edit) {
        typo = edit;
        return this;
    }

    /** The nsupdate scripts run so far, one per request. */
    List<String> scripts() {
        return List.copyOf(scripts);
    }

    synchronized String printed() {
        return all.toString();
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char c = cbuf[i];
            all.append(c);
            if (c != '\n') {
                line.append(c);
                continue;
            }
            onLine(line.toString());
            line.setLength(0);
        }
    }

    private void onLine(String l) {
        if (l.startsWith("manual: make ")) block.clear();
        block.add(l);
        if (l.startsWith("  Waiting until every authoritative address serves exactly this")) {
            String script = script(List.copyOf(block));
            block.clear();
            if (acting) hands.execute(() -> run(script));
        }
    }

    /** nsupdate commands for a printed request: each named RRset replaced by exactly the printed records. */
    private String script(List<String> lines) {
        StringBuilder s = new StringBuilder("server 127.0.0.1 " + port + "\n");
        String zone = lines.get(0).replaceAll(".* in zone (\\S+) by hand.*", "$1");
        s.append("zone ").append(zone).append('\n');
        for (String l : lines) {
            Matcher item = ITEM.matcher(l);
            if (item.matches()) {
                s.append("update delete ").append(item.group(1)).append(' ').append(item.group(2)).append('\n');
                continue;
            }
            Matcher rec = RECORD.matcher(l);
            if (rec.matches()) {
                s.append("update add ").append(rec.group(1)).append(' ').append(rec.group(2)).append(' ')
                        .append(rec.group(3)).append(' ').append(typo.apply(rec.group(4))).append('\n');
            }
        }
        return s.append("send\n").toString();
    }

    private void run(String script) {
        try {
            // A moment at the keyboard: the request was printed, read, then typed in.
            Thread.sleep(300);
            Path in = Files.createTempFile(dir, "nsupdate-", ".txt");
            Files.writeString(in, script);
            Path out = Files.createTempFile(dir, "nsupdate-", ".out");
            Process p = new ProcessBuilder(LabBinaries.require("nsupdate").toString(), "-y",
                    key.algorithm() + ":" + key.name() + ":" + key.secret(), in.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("nsupdate did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("nsupdate exited " + p.exitValue() + ": " + Files.readString(out) + "\n" + script);
            }
            scripts.add(script);
        } catch (IOException | InterruptedException | RuntimeException e) {
            failures.add(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        hands.shutdown();
        try {
            hands.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What went wrong at the keyboard (nsupdate failing), for the test to show. */
    List<String> failures() {
        return List.copyOf(failures);
    }
}
