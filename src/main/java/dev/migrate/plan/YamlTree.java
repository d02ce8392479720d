package dev.migrate.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    static Node parse(Reader in, Path file) throws PlanException {
        YAMLFactory f = new YAMLFactory();
        try (JsonParser p = f.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new PlanException(new PlanError(new Location(file, 1, 1), "the plan file is empty"));
            }
            Node root = read(p, t, file);
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

    private static Node read(JsonParser p, JsonToken t, Path file) throws IOException, PlanException {
        Location at = loc(p.currentTokenLocation(), file);
        switch (t) {
            case START_OBJECT: {
                Map<String, Entry> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Location keyAt = loc(p.currentTokenLocation(), file);
                    Node v = read(p, p.nextToken(), file);
                    if (m.containsKey(key)) {
                        throw new PlanException(new PlanError(keyAt, "'" + key + "' is given twice in this block"
                                + " (first at line " + m.get(key).keyAt().line() + ")"));
                    }
                    m.put(key, new Entry(key, keyAt, v));
                }
                return new MapNode(at, m);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, n, file));
                }
                return new ListNode(at, items);
            }
            case VALUE_NULL:
                return new Scalar(at, null);
            default:
                return new Scalar(at, p.getText());
        }
    }

    private static Location loc(JsonLocation l, Path file) {
        return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
}
