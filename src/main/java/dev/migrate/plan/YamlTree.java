package dev.migrate.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a tree whose every node remembers where it was written, so that validation
 * errors can say file:line:column. Jackson's own tree drops locations, hence this small one.
 */
final class YamlTree {
    private YamlTree() {}

    sealed interface Node permits MapNode, ListNode, Scalar {
        Location at();

        /** Plain data (maps, lists, strings, null) for adapter settings. */
        Object plain();
    }

    record Entry(String key, Location keyAt, Node value) {}

    record MapNode(Location at, Map<String, Entry> entries) implements Node {
        public Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public Object plain() {
            Map<String, Object> m = new LinkedHashMap<>();
            entries.forEach((k, e) -> m.put(k, e.value().plain()));
            return m;
        }
    }

    record ListNode(Location at, List<Node> items) implements Node {
        @Override
        public Object plain() {
            List<Object> l = new ArrayList<>();
            for (Node n : items) l.add(n.plain());
            return l;
        }
    }

    /** A scalar; {@code text} is null for YAML null (~, empty). */
    record Scalar(Location at, String text) implements Node {
        @Override
        public Object plain() {
            return text;
        }
    }

    /**
     * Most characters a plan may hold; SnakeYAML's own limit is set just above it so that ours is the one an
     * operator meets. A plan names its changes; mass changes are rewrite rules, so this is far beyond need.
     */
    static final int MAX_CHARS = 4 * 1024 * 1024;

    /**
     * Most values a plan may hold once its aliases are resolved: an alias copies its anchor, and anchors of
     * aliases of anchors grow exponentially (the "billion laughs"); far more than any real plan holds.
     */
    static final int MAX_VALUES = 100_000;

    static Node parse(Reader in, Path file) throws PlanException {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS + 1024);
        YAMLFactory f = new AnchorsFactory(options);
        try (JsonParser p = f.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new PlanException(new PlanError(new Location(file, 1, 1), "the plan file is empty"));
            }
            Node root = new Reading(p, file).read(t);
            if (p.nextToken() != null) {
                throw new PlanException(new PlanError(loc(p.currentTokenLocation(), file),
                        "a plan file holds one YAML document; found another after the first"));
            }
            return root;
        } catch (JsonProcessingException e) {
            PlanError marked = fromSnakeYaml(e, file);
            if (marked != null) throw new PlanException(marked);
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage().replaceAll("\\s+", " ").strip();
            throw new PlanException(new PlanError(l == null ? new Location(file, 1, 1) : loc(l, file),
                    "malformed YAML: " + msg));
        } catch (IOException e) {
            throw new PlanException(new PlanError(new Location(file, 1, 1), "cannot read: " + e.getMessage()));
        }
    }

    /**
     * SnakeYAML knows where the problem is (the tab, the end of an unclosed quote); Jackson's location is
     * where its parser stood, which can be a line earlier, and its message repeats SnakeYAML's with
     * "in 'reader', line ..." snippets. Null when the failure did not come from SnakeYAML.
     */
    private static PlanError fromSnakeYaml(Exception e, Path file) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m && m.getProblemMark() != null && m.getProblem() != null) {
                Mark at = m.getProblemMark();
                String msg = "malformed YAML: " + m.getProblem().strip();
                Mark ctx = m.getContextMark();
                if (m.getContext() != null && ctx != null) {
                    msg += " (" + m.getContext().strip() + " that starts at line " + (ctx.getLine() + 1) + ", column "
                            + (ctx.getColumn() + 1) + ")";
                } else if (m.getContext() != null) {
                    msg += " (" + m.getContext().strip() + ")";
                }
                return new PlanError(new Location(file, at.getLine() + 1, at.getColumn() + 1), msg);
            }
        }
        return null;
    }

    /**
     * One document being read. YAML anchors ({@code &web}) and aliases ({@code *web}) are resolved: an alias
     * stands for the node its anchor marks, which keeps the anchor's file:line:column (where its text is).
     * Jackson hands an alias over as a plain string of the anchor's name, so without this {@code *web}
     * silently became the text "web".
     */
    private static final class Reading {
        final JsonParser p;
        final Path file;
        final Map<String, Node> anchors = new HashMap<>();
        final Map<Node, Integer> sizes = new IdentityHashMap<>();
        long values;

        Reading(JsonParser p, Path file) {
            this.p = p;
            this.file = file;
        }

        Node read(JsonToken t) throws IOException, PlanException {
            Location at = loc(p.currentTokenLocation(), file);
            if (p instanceof YAMLParser y && y.isCurrentAlias()) return alias(p.getText(), at);
            String anchor = p instanceof AnchorsParser y ? y.anchor() : null;
            Node n;
            int size = 1;
            switch (t) {
                case START_OBJECT: {
                    Map<String, Entry> m = new LinkedHashMap<>();
                    JsonToken k;
                    while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        Location keyAt = loc(p.currentTokenLocation(), file);
                        if (key.equals("<<")) {
                            throw new PlanException(new PlanError(keyAt, "YAML merge keys (<<) are not taken in a"
                                    + " plan: write the keys out, or use an alias (*name) for a whole value"));
                        }
                        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                            throw new PlanException(new PlanError(keyAt, "an alias (*" + key + ") cannot be a key"));
                        }
                        Node v = read(p.nextToken());
                        if (m.containsKey(key)) {
                            throw new PlanException(new PlanError(keyAt, "'" + key + "' is given twice in this block"
                                    + " (first at line " + m.get(key).keyAt().line() + ")"));
                        }
                        m.put(key, new Entry(key, keyAt, v));
                        size += sizes.getOrDefault(v, 1);
                    }
                    n = new MapNode(at, m);
                    break;
                }
                case START_ARRAY: {
                    List<Node> items = new ArrayList<>();
                    JsonToken i;
                    while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
                        Node v = read(i);
                        items.add(v);
                        size += sizes.getOrDefault(v, 1);
                    }
                    n = new ListNode(at, items);
                    break;
                }
                case VALUE_NULL:
                    n = new Scalar(at, null);
                    break;
                default:
                    n = new Scalar(at, p.getText());
            }
            count(1, at);
            if (size > 1) sizes.put(n, size);
            if (anchor != null) anchors.put(anchor, n);
            return n;
        }

        Node alias(String name, Location at) throws PlanException {
            Node n = anchors.get(name);
            if (n == null) {
                throw new PlanException(new PlanError(at, "the alias *" + name + " names no anchor (&" + name
                        + ") written before it"));
            }
            count(sizes.getOrDefault(n, 1), at);
            return n;
        }

        void count(int more, Location at) throws PlanException {
            values += more;
            if (values > MAX_VALUES) {
                throw new PlanException(new PlanError(at, "the plan holds more than " + MAX_VALUES + " values once its"
                        + " aliases are resolved: aliases of aliases multiply; write the plan out plainly"));
            }
        }
    }

    /**
     * Jackson tells the anchor of a list or a block but drops that of a single value ({@code &low 300}); the
     * SnakeYAML event it read still has it. This parser answers with either.
     */
    private static final class AnchorsParser extends YAMLParser {
        AnchorsParser(com.fasterxml.jackson.core.io.IOContext ctxt, int features, int yamlFeatures, LoaderOptions options,
                com.fasterxml.jackson.core.ObjectCodec codec, Reader r) {
            super(ctxt, features, yamlFeatures, options, codec, r);
        }

        String anchor() throws IOException {
            if (_lastEvent instanceof org.yaml.snakeyaml.events.ScalarEvent s) return s.getAnchor();
            return getObjectId();
        }
    }

    private static final class AnchorsFactory extends YAMLFactory {
        AnchorsFactory(LoaderOptions options) {
            super(YAMLFactory.builder().loaderOptions(options));
        }

        @Override
        protected YAMLParser _createParser(Reader r, com.fasterxml.jackson.core.io.IOContext ctxt) {
            return new AnchorsParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }
    }

    private static Location loc(JsonLocation l, Path file) {
        return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
}
