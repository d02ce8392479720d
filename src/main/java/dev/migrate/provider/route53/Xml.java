package dev.migrate.provider.route53;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A Route 53 answer as a small tree of elements, read with the JDK's StAX parser. Namespaces are dropped
 * (Route 53 uses one), attributes are not needed. DTDs and external entities are refused: an answer
 * is data, never instructions to fetch more.
 */
record Xml(String name, String text, List<Xml> children) {
    /** Deepest nesting accepted: Route 53 answers are five or six levels deep. */
    private static final int MAX_DEPTH = 32;

    private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        FACTORY.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    static Xml parse(byte[] body) throws XMLStreamException {
        XMLStreamReader r;
        synchronized (FACTORY) {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
        }
        try {
            while (r.hasNext()) {
                if (r.next() == XMLStreamConstants.START_ELEMENT) return element(r, 1);
            }
            throw new XMLStreamException("no element in the answer");
        } finally {
            r.close();
        }
    }

    private static Xml element(XMLStreamReader r, int depth) throws XMLStreamException {
        if (depth > MAX_DEPTH) throw new XMLStreamException("elements nested deeper than " + MAX_DEPTH);
        String name = r.getLocalName();
        StringBuilder text = new StringBuilder();
        List<Xml> children = new ArrayList<>();
        while (r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT) children.add(element(r, depth + 1));
            else if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA) text.append(r.getText());
            else if (e == XMLStreamConstants.END_ELEMENT) break;
        }
        return new Xml(name, children.isEmpty() ? text.toString() : "", List.copyOf(children));
    }

    /** The first child of that name, or null. */
    Xml child(String childName) {
        for (Xml c : children) {
            if (c.name.equals(childName)) return c;
        }
        return null;
    }

    List<Xml> all(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    /** The text of the element at that path below this one, or null when there is none. */
    String text(String... path) {
        Xml at = this;
        for (String p : path) {
            at = at.child(p);
            if (at == null) return null;
        }
        return at.text;
    }
}
