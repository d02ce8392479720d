package dev.migrate.exec;

import dev.migrate.plan.SecretRef;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Starts the command as a process of its own process group (through util-linux {@code setsid}), with a
 * clean environment: a few harmless variables of migrate's own ({@link #INHERITED}), the MIGRATE_* ones
 * and what the plan names, never the rest (migrate's environment holds provider tokens). Its input is
 * {@code /dev/null}; its output is captured, bounded ({@link OutputCapture}). At the deadline every process
 * of its group gets SIGTERM, and SIGKILL {@link #GRACE} later: children that outlived their parent shell
 * included, since they keep the group.
 */
public final class ProcessCommands implements Commands {
    /** The variables a command gets from migrate's own environment; nothing else of it is passed on. */
    public static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
            "LC_CTYPE", "TZ", "TMPDIR");
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** Between SIGTERM and SIGKILL at the deadline. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** How long output is still read once the command has exited (processes it left behind may hold the pipes). */
    static final Duration DRAIN = Duration.ofSeconds(2);
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private final Function<String, String> environment;

    /** @param environment migrate's environment (System::getenv), for {@link #INHERITED} and {@code fromEnv} secrets */
    public ProcessCommands(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Outcome run(Request r) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> argv = new ArrayList<>(r.argv());
        String program = argv.get(0);
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            argv.set(0, r.workdir().resolve(program).normalize().toString());
        }
        ProcessBuilder pb = new ProcessBuilder(inOwnGroup(argv));
        pb.directory(r.workdir().toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        for (String k : INHERITED) {
            String v = environment.apply(k);
            if (v != null) env.put(k, v);
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(r.variables());
        for (Map.Entry<String, SecretRef> s : r.secrets().entrySet()) {
            try {
                env.put(s.getKey(), s.getValue().load(environment).reveal());
            } catch (IllegalStateException e) {
                return notStarted(t0, s.getKey() + ": " + e.getMessage());
            }
        }
        // Found first: through setsid a missing program would only show as its exit status 127.
        String missing = missingProgram(argv.get(0), env.get("PATH"));
        if (missing != null) return notStarted(t0, missing);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return notStarted(t0, "cannot start " + r.argv().get(0) + ": " + reason(e));
        }
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        Thread outReader = reader(p.getInputStream(), out, "stdout");
        Thread errReader = reader(p.getErrorStream(), err, "stderr");
        boolean timedOut = false;
        try {
            if (!p.waitFor(r.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                killGroup(p);
            }
        } catch (InterruptedException e) {
            killGroup(p);
            throw e;
        }
        outReader.join(DRAIN.toMillis());
        errReader.join(DRAIN.toMillis());
        Integer code = p.isAlive() ? null : p.exitValue();
        return new Outcome(code, timedOut, null, Duration.ofNanos(System.nanoTime() - t0), out.snapshot(), err.snapshot(),
                false);
    }

    /** {@code argv} started through setsid, in a process group of its own (as it is when setsid is missing). */
    private static List<String> inOwnGroup(List<String> argv) {
        Optional<Path> setsid = SETSID.stream().filter(Files::isExecutable).findFirst();
        if (setsid.isEmpty()) return argv;
        // --wait: were setsid a group leader already it would fork, and its exit must still be the command's.
        List<String> out = new ArrayList<>(List.of(setsid.get().toString(), "--wait"));
        out.addAll(argv);
        return out;
    }

    private static Thread reader(java.io.InputStream in, OutputCapture into, String name) {
        Thread t = new Thread(() -> into.drain(in), "migrate-run-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * SIGTERM to every process of the command's group(s), SIGKILL to those left after {@link #GRACE}. The
     * groups are those of the process and its descendants that are not migrate's own; descendants are
     * signalled too (without setsid they share migrate's group, which must not be signalled).
     */
    static void killGroup(Process p) throws InterruptedException {
        long own = ProcessGroups.of(ProcessHandle.current().pid());
        Set<Long> groups = new HashSet<>();
        List<ProcessHandle> members = new ArrayList<>();
        members.add(p.toHandle());
        p.descendants().forEach(members::add);
        for (ProcessHandle h : members) {
            long g = ProcessGroups.of(h.pid());
            if (g > 0 && g != own) groups.add(g);
        }
        members.addAll(ProcessGroups.members(groups));
        members.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : members) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // killed below
                }
            }
        }
        // Whatever joined the group during the grace (a child forked on SIGTERM) goes too.
        members.addAll(ProcessGroups.members(groups));
        members.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why {@code program} cannot be run (no such file, not executable, not on PATH), or null. */
    static String missingProgram(String program, String path) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!Files.exists(p)) return "cannot start " + program + ": No such file or directory";
            if (!Files.isExecutable(p) || Files.isDirectory(p)) return "cannot start " + program + ": not an executable file";
            return null;
        }
        for (String d : (path == null ? DEFAULT_PATH : path).split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d).resolve(program);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return null;
        }
        return "cannot start " + program + ": not found on PATH (" + path + ")";
    }

    private Outcome notStarted(long t0, String why) {
        return new Outcome(null, false, why, Duration.ofNanos(System.nanoTime() - t0), Captured.NONE, Captured.NONE, false);
    }

    /** "error=2, No such file or directory" -> "No such file or directory". */
    private static String reason(IOException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.lastIndexOf(", ");
        return i >= 0 && m.contains("error=") ? m.substring(i + 2) : m;
    }
}
