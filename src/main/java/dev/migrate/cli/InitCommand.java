package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.Workspace;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.Providers;
import dev.migrate.support.Paths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code migrate init}: a starting plan from what exists. The zones come from a list or a {@code named.conf};
 * their records from a zone-file directory or by AXFR, read through the very provider the plan will use, so
 * that {@code migrate plan} accepts the result at once. An old and a new address become a rewrite rule, the
 * standard timeline is written out at the given cutover, and {@code nameservers:} lists the addresses the
 * zones give their NS names. The YAML is written by Jackson, never pieced together from strings, and the
 * result is loaded by the plan loader before it is written.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a starting plan from the zones that exist: a list of zones or a named.conf, their records"
                + " from a zone-file directory or by AXFR, an old and a new address as a rewrite rule, and the"
                + " standard timeline at the cutover.",
                "Example: migrate init --zones shop.test,blog.test --zone-dir zones --from 203.0.113.10 --to 198.51.100.10"
                        + " --cutover 2027-05-01T02:00:00Z",
                "It writes NAME.yaml in the current directory (or --out FILE) and never replaces a file without --force."})
public final class InitCommand implements Callable<Integer> {
    // Split here, not by picocli: its splitting treats quotes specially, and a hostile name must reach the check whole.
    @Option(names = "--zones", paramLabel = "ZONES", description = "The zones to move, comma-separated (repeatable).")
    List<String> zones = new ArrayList<>();

    @Option(names = "--named-conf", paramLabel = "FILE",
            description = "Take the zones from this BIND configuration (its primary zones, includes followed).")
    Path namedConf;

    @Option(names = "--zone-dir", paramLabel = "DIR",
            description = "Zone files are in DIR (named <zone>.zone, <zone>.db, db.<zone> or <zone>): provider zonefile.")
    Path zoneDir;

    @Option(names = "--axfr", paramLabel = "SERVER",
            description = "Read the zones by AXFR from this primary (IP[:port]) and update it by RFC 2136: provider rfc2136.")
    String axfr;

    @Option(names = "--tsig", paramLabel = "KEYFILE",
            description = "With --axfr: the TSIG key file (tsig-keygen output, or a file holding only the secret)."
                    + " The plan names the file; the secret never enters it.")
    Path tsigFile;

    @Option(names = "--tsig-env", paramLabel = "VAR", description = "With --axfr: the TSIG secret is in this environment variable.")
    String tsigEnv;

    @Option(names = "--tsig-name", paramLabel = "NAME", description = "The TSIG key's name (read from a key file when not given).")
    String tsigName;

    @Option(names = "--tsig-algorithm", paramLabel = "ALG",
            description = "The TSIG algorithm (read from a key file when not given; default hmac-sha256).")
    String tsigAlgorithm;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "An old address (repeatable; pairs with --to in order).")
    List<String> from = new ArrayList<>();

    @Option(names = "--to", paramLabel = "ADDRESS", description = "The new address for the --from in the same place.")
    List<String> to = new ArrayList<>();

    @Option(names = "--cutover", paramLabel = "INSTANT", required = true,
            description = "The cutover instant T, ISO-8601 with an offset, e.g. 2027-05-01T02:00:00Z.")
    String cutover;

    @Option(names = "--name", paramLabel = "NAME", description = "The plan's name (default: from the first zone).")
    String name;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the plan here (default NAME.yaml in the current directory).")
    Path out;

    @Option(names = "--force", description = "Replace the output file when it exists.")
    boolean force;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    private static final Pattern PLAN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    /** Zone file names tried in --zone-dir, the zonefile provider's default first. */
    static final List<String> FILE_PATTERNS = List.of("{zone}.zone", "{zone}.db", "db.{zone}", "{zone}");

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Instant t = cutoverInstant();
        List<String> zoneList = zoneList();
        String planName = planName(zoneList);
        Path file = out != null ? out : Path.of(planName + ".yaml");
        if (Files.exists(file) && !force) {
            throw usage(Paths.show(file) + " exists; choose another --out, or --force to replace it");
        }
        Path planDir = file.toAbsolutePath().normalize().getParent();
        List<String[]> rules = rules();

        Providers providers = Providers.discover();
        Map<String, Object> settings = new LinkedHashMap<>();
        String type = provider(settings, planDir, zoneList);
        Map<String, ZoneSnapshot> read = read(providers, type, settings, planDir, zoneList);

        Nameservers ns = nameservers(read);
        ObjectNode plan = Yaml.MAPPER.createObjectNode();
        plan.put("name", planName);
        plan.put("cutover", t.toString());
        ObjectNode p = plan.putObject("provider");
        p.put("type", type);
        p.setAll(Yaml.MAPPER.<ObjectNode>valueToTree(settings));
        ArrayNode zs = plan.putArray("zones");
        zoneList.forEach(zs::add);
        plan.putObject("ttl").put("lowered", 300).put("restore", "original");
        List<String> matched = new ArrayList<>();
        if (!rules.isEmpty()) {
            ArrayNode rw = plan.putArray("rewrite");
            for (String[] r : rules) {
                rw.addObject().put("from", r[0]).put("to", r[1]);
                matched.add(r[0] + " -> " + r[1] + ": " + count(read, r[0]) + " record(s)");
            }
        }
        if (!ns.addresses().isEmpty()) {
            ArrayNode a = plan.putArray("nameservers");
            ns.addresses().forEach(a::add);
        }
        ArrayNode phases = plan.putArray("phases");
        for (PhaseSpec s : PlanLoader.standardPhases()) {
            ObjectNode o = phases.addObject().put("id", s.id()).put("at", s.at().text()).put("action", s.action().word());
            if (s.timeout() != null) o.put("timeout", s.timeout().toMinutes() + "m");
        }

        String text = header(file, zoneList, ns) + Yaml.MAPPER.writeValueAsString(plan);
        try {
            // The loader is the judge: what it refuses is never written.
            Workspace.loader(providers).load(new StringReader(text), file);
        } catch (PlanException e) {
            throw new CliException(ExitCode.FAILURE, "the plan written would not load (" + e.errors().get(0)
                    + "); nothing was written");
        }
        write(file, text);

        stdout.println("wrote " + Paths.show(file) + ": plan " + planName + ", " + zoneList.size() + " zone"
                + (zoneList.size() == 1 ? "" : "s") + ", provider " + type + ", cutover " + t);
        for (String m : matched) stdout.println("  rewrite " + m);
        stdout.println("  nameservers: " + (ns.addresses().isEmpty() ? "none found in the zones" : String.join(", ", ns.addresses()))
                + (ns.unresolved().isEmpty() ? "" : "; no address in these zones for " + String.join(", ", ns.unresolved())));
        stdout.println("next: migrate plan " + Paths.show(file));
        stdout.flush();
        return ExitCode.OK;
    }

    /**
     * Made when init runs, not when the class loads: picocli instantiates every command to build the command
     * line, and a YAML mapper made then cost every other command hundreds of classes at start-up.
     */
    private static final class Yaml {
        static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .build());
    }

    // ---- inputs ----

    private Instant cutoverInstant() {
        try {
            return OffsetDateTime.parse(cutover.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw usage("--cutover '" + printable(cutover) + "' is not an ISO-8601 instant with an offset, e.g. 2027-05-01T02:00:00Z");
        }
    }

    private List<String> zoneList() throws IOException {
        if (zones.isEmpty() == (namedConf == null)) {
            throw usage("say which zones: --zones a.example,b.example or --named-conf FILE (one of them)");
        }
        List<String> raw = new ArrayList<>();
        if (namedConf != null) {
            if (!Files.isRegularFile(namedConf)) throw usage("--named-conf: no such file " + Paths.show(namedConf));
            for (NamedConf.Zone z : NamedConf.read(namedConf)) if (z.primary()) raw.add(z.name());
            if (raw.isEmpty()) throw usage(Paths.show(namedConf) + " has no primary (type master) zone");
        } else {
            for (String z : zones) raw.addAll(List.of(z.split(",", -1)));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String z : raw) {
            String n = z.strip();
            if (n.endsWith(".") && n.length() > 1) n = n.substring(0, n.length() - 1);
            if (!hostName(n)) {
                throw usage("zone '" + printable(z) + "' is not a zone name: letters, digits, '-' and '_' in labels of"
                        + " up to 63, separated by dots (internationalised names as xn--)");
            }
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    static boolean hostName(String n) {
        if (n.isEmpty() || n.length() > 253) return false;
        for (String label : n.split("\\.", -1)) if (!LABEL.matcher(label).matches()) return false;
        return true;
    }

    private String planName(List<String> zoneList) {
        if (name != null) {
            if (!PLAN_NAME.matcher(name).matches()) {
                throw usage("--name '" + printable(name) + "': lower-case letters, digits and dashes, starting with a letter or digit");
            }
            return name;
        }
        String n = zoneList.get(0).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (n.length() > 50) n = n.substring(0, 50).replaceAll("-+$", "");
        if (zoneList.size() > 1) n += "-and-" + (zoneList.size() - 1) + "-more";
        return n.isEmpty() ? "migration" : n;
    }

    private List<String[]> rules() {
        if (from.size() != to.size()) {
            throw usage("give --from and --to in pairs: " + from.size() + " --from and " + to.size() + " --to");
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            String f = address(from.get(i), "--from");
            String t = address(to.get(i), "--to");
            if (f.contains(":") != t.contains(":")) {
                throw usage("--from " + f + " and --to " + t + " are of different families (an A record holds IPv4, AAAA IPv6)");
            }
            out.add(new String[] {f, t});
        }
        return out;
    }

    /** An IP literal in presentation form; names are refused (never looked up). */
    private static String address(String text, String option) {
        String s = text.strip();
        String type = s.contains(":") ? "AAAA" : "A";
        try {
            if (!s.matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("not a literal");
            return Rdata.normalise(type, s, ".");
        } catch (IllegalArgumentException e) {
            throw usage(option + " '" + printable(text) + "' is not an IPv4 or IPv6 address");
        }
    }

    // ---- the provider ----

    private String provider(Map<String, Object> settings, Path planDir, List<String> zoneList) throws IOException {
        if ((zoneDir == null) == (axfr == null)) {
            throw usage("say where the records are: --zone-dir DIR (zone files) or --axfr SERVER (one of them)");
        }
        if (zoneDir != null) {
            if (tsigFile != null || tsigEnv != null) throw usage("--tsig and --tsig-env go with --axfr, not --zone-dir");
            if (!Files.isDirectory(zoneDir)) throw usage("--zone-dir: no such directory " + Paths.show(zoneDir));
            settings.put("directory", relativeTo(planDir, zoneDir));
            String pattern = filePattern(zoneDir, zoneList);
            if (!pattern.equals(FILE_PATTERNS.get(0))) settings.put("file", pattern);
            return "zonefile";
        }
        settings.put("server", axfr.strip());
        if ((tsigFile == null) == (tsigEnv == null)) {
            throw usage("--axfr needs the TSIG key: --tsig KEYFILE or --tsig-env VAR (with --tsig-name)");
        }
        Map<String, Object> tsig = new LinkedHashMap<>();
        String keyName = tsigName;
        String alg = tsigAlgorithm;
        if (tsigFile != null) {
            if (!Files.isRegularFile(tsigFile)) throw usage("--tsig: no such file " + Paths.show(tsigFile));
            List<String> tk = NamedConf.tokens(Files.readString(tsigFile));
            int key = tk.indexOf("key");
            if (key >= 0 && key + 1 < tk.size() && keyName == null) keyName = tk.get(key + 1).replace("\"", "");
            int a = tk.indexOf("algorithm");
            if (a >= 0 && a + 1 < tk.size() && alg == null) alg = tk.get(a + 1).replace("\"", "");
        }
        if (keyName == null) throw usage("name the TSIG key with --tsig-name (the key file does not say it)");
        tsig.put("name", keyName);
        tsig.put("algorithm", alg == null ? "hmac-sha256" : alg.toLowerCase(Locale.ROOT));
        if (tsigFile != null) tsig.put("secretFile", relativeTo(planDir, tsigFile));
        else tsig.put("secretEnv", tsigEnv);
        settings.put("tsig", tsig);
        settings.put("read", "axfr");
        return "rfc2136";
    }

    /** The one file-name pattern under which every zone has a file in {@code dir}. */
    static String filePattern(Path dir, List<String> zoneList) {
        for (String p : FILE_PATTERNS) {
            if (zoneList.stream().allMatch(z -> Files.isRegularFile(dir.resolve(p.replace("{zone}", z))))) return p;
        }
        List<String> missing = zoneList.stream().filter(z -> FILE_PATTERNS.stream()
                .noneMatch(p -> Files.isRegularFile(dir.resolve(p.replace("{zone}", z))))).toList();
        throw usage(missing.isEmpty()
                ? "the zone files in " + Paths.show(dir) + " are not named alike; name them all <zone>.zone (or .db, db.<zone>)"
                : "no zone file in " + Paths.show(dir) + " for " + String.join(", ", missing)
                        + " (looked for <zone>.zone, <zone>.db, db.<zone> and <zone>)");
    }

    private Map<String, ZoneSnapshot> read(Providers providers, String type, Map<String, Object> settings, Path planDir,
            List<String> zoneList) throws ProviderException {
        ProviderFactory f = providers.find(type).orElseThrow(() -> new CliException(ExitCode.FAILURE,
                "the " + type + " provider is not installed"));
        Map<String, ZoneSnapshot> out = new LinkedHashMap<>();
        try (DnsProvider p = f.create(new ProviderConfig(type, settings, planDir, System::getenv, common.clock()))) {
            for (String z : zoneList) out.put(Names.canonical(z), p.read(Names.canonical(z)));
        }
        return out;
    }

    // ---- what the zones say ----

    record Nameservers(List<String> addresses, List<String> unresolved) {}

    /** The addresses the zones themselves give their NS names (glue); never looked up anywhere else. */
    static Nameservers nameservers(Map<String, ZoneSnapshot> zones) {
        Set<String> addresses = new LinkedHashSet<>();
        Set<String> unresolved = new LinkedHashSet<>();
        for (ZoneSnapshot z : zones.values()) {
            RRset ns = z.get(z.zone(), "NS");
            if (ns == null) continue;
            for (String host : ns.rdata()) {
                List<String> found = new ArrayList<>();
                for (ZoneSnapshot any : zones.values()) {
                    if (!Names.inZone(host, any.zone())) continue;
                    for (String t : List.of("A", "AAAA")) {
                        RRset a = any.get(host, t);
                        if (a != null) found.addAll(a.rdata());
                    }
                }
                if (found.isEmpty()) unresolved.add(host);
                addresses.addAll(found);
            }
        }
        return new Nameservers(List.copyOf(addresses), List.copyOf(unresolved));
    }

    private static int count(Map<String, ZoneSnapshot> zones, String address) {
        int n = 0;
        String type = address.contains(":") ? "AAAA" : "A";
        for (ZoneSnapshot z : zones.values()) {
            for (RRset s : z.rrsets()) if (s.type().equals(type) && s.rdata().contains(address)) n++;
        }
        return n;
    }

    // ---- output ----

    private String header(Path file, List<String> zoneList, Nameservers ns) {
        StringBuilder h = new StringBuilder();
        h.append("# Written by 'migrate init'. Check it with: migrate plan ").append(comment(Paths.show(file))).append('\n');
        h.append("# Add changes: (explicit RRset moves) and checks: (verify's service checks) as the move needs.\n");
        h.append("# For completion in an editor: migrate schema > plan.schema.json, then put this line first:\n");
        h.append("#   # yaml-language-server: $schema=plan.schema.json\n");
        if (!ns.unresolved().isEmpty()) {
            h.append("# Nameservers these zones give no address for (add theirs under nameservers:): ")
                    .append(comment(String.join(", ", ns.unresolved()))).append('\n');
        }
        return h.toString();
    }

    /** Text for a YAML comment line: nothing that could end the comment. */
    private static String comment(String s) {
        return s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
    }

    private void write(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!force) {
            try {
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw usage(Paths.show(file) + " exists; choose another --out, or --force to replace it");
            }
            return;
        }
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code path} as the plan writes it: relative to the plan's directory when inside it, else absolute. */
    private static String relativeTo(Path planDir, Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(planDir) ? (planDir.relativize(abs).toString().isEmpty() ? "." : planDir.relativize(abs).toString())
                : abs.toString();
    }

    /** Text from the command line, safe to print: control characters shown escaped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static CliException usage(String message) {
        return new CliException(ExitCode.INVALID, message);
    }
}
