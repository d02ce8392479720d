package dev.migrate.provider.route53;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A stateful stand-in for the Route 53 API (2013-04-01) on 127.0.0.1, enforcing what the Route 53 API
 * reference documents, not replaying answers:
 * <ul>
 *   <li>{@code ChangeResourceRecordSets} is atomic: every change is checked against the zone as the earlier
 *       changes of the same request leave it, and either all apply or none, with one message per problem
 *       ({@code InvalidChangeBatch}). A DELETE must repeat the live TTL and every value exactly; a CREATE of
 *       an RRset that exists fails; a CNAME cannot share its name; names must be in the zone; the apex SOA
 *       and NS cannot be deleted; at most 1,000 ResourceRecord elements and 32,000 characters of values.
 *       UPSERT is refused outright: the adapter must never send it.</li>
 *   <li>A change is {@code PENDING} until {@link #syncDelayMillis} after it was accepted, then {@code INSYNC}.</li>
 *   <li>{@code ListResourceRecordSets} pages {@link #pageSize} RRsets at a time (fewer than asked, as the
 *       API may), in Route 53's order (names with their labels reversed, then type, then set identifier),
 *       with {@code NextRecordName}/{@code Type}/{@code Identifier}.</li>
 *   <li>Names are held as Route 53 writes them: lower case, every byte but a-z 0-9 - _ as a three-digit octal
 *       escape ({@code \052} for '*'); values are held exactly as they were sent.</li>
 *   <li>Every request must carry a SigV4 Authorization header of the right shape for the expected access key
 *       (service route53), an X-Amz-Date that is the credential's date, and the session token when one is
 *       expected; else 403.</li>
 *   <li>On demand: the next requests answered {@code Throttling} or {@code PriorRequestNotComplete}; the next
 *       accepted change silently missing one RRset (to catch an adapter that trusts an acceptance).</li>
 * </ul>
 */
final class FakeRoute53 implements AutoCloseable {
    static final String XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";
    static final String SOA_VALUE = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400";
    private static final Pattern AUTH = Pattern.compile("AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/(\\d{8})/([a-z0-9-]+)/"
            + "route53/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}");

    /** One RRset as Route 53 holds it. */
    record RecordSet(String name, String type, String setIdentifier, Long ttl, List<String> values, String aliasDnsName,
            Integer weight) {
        Key key() {
            return new Key(name, type, setIdentifier == null ? "" : setIdentifier);
        }
    }

    record Key(String name, String type, String setIdentifier) {}

    /** One hosted zone. */
    static final class Zone {
        final String id;
        final String name;
        final boolean privateZone;
        final TreeMap<Key, RecordSet> sets = new TreeMap<>(ORDER);

        Zone(String id, String name, boolean privateZone) {
            this.id = id;
            this.name = name;
            this.privateZone = privateZone;
        }
    }

    /** One ChangeResourceRecordSets request the fake received, accepted or not. */
    record ChangeRequest(String zoneId, List<String> actions, int resourceRecords, int valueChars, boolean accepted) {}

    /** Route 53's listing order: the name with its labels reversed, then the type, then the set identifier. */
    static final Comparator<Key> ORDER = Comparator.<Key, String>comparing(k -> reversed(k.name()))
            .thenComparing(Key::type).thenComparing(Key::setIdentifier);

    final MockWebServer server = new MockWebServer();
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    private final Map<String, Long> changes = new LinkedHashMap<>(); // id -> accepted at (ms)
    final List<ChangeRequest> changeRequests = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final List<String[]> throttles = new ArrayList<>(); // {code, "write"|"any"}
    private Key dropFromNextChange;
    private Runnable beforeNextChange;
    private int changeCounter;

    volatile int pageSize = 3;
    volatile long syncDelayMillis = 300;
    volatile String accessKeyId = "AKIDFAKEROUTE53";
    volatile String sessionToken;

    FakeRoute53() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                synchronized (FakeRoute53.this) {
                    return handle(r);
                }
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    HttpUrl endpoint() {
        return server.url("/");
    }

    // ------------------------------------------------------------------ set-up and inspection

    synchronized Zone zone(String id, String name, boolean privateZone) {
        Zone z = new Zone(id, canonical(name), privateZone);
        zones.put(id, z);
        put(z, new RecordSet(z.name, "SOA", null, 900L, List.of(SOA_VALUE), null, null));
        put(z, new RecordSet(z.name, "NS", null, 172800L, List.of("ns-2048.awsdns-64.net.", "ns-2049.awsdns-00.com.",
                "ns-2050.awsdns-01.org.", "ns-2051.awsdns-02.co.uk."), null, null));
        return z;
    }

    synchronized void put(Zone z, RecordSet s) {
        RecordSet c = new RecordSet(canonical(s.name()), s.type(), s.setIdentifier(), s.ttl(), List.copyOf(s.values()),
                s.aliasDnsName(), s.weight());
        z.sets.put(c.key(), c);
    }

    /** Someone else's change (the console, another tool): applied at once, no checks. */
    synchronized void putPlain(String zoneId, String name, String type, long ttl, String... values) {
        put(zones.get(zoneId), new RecordSet(name, type, null, ttl, List.of(values), null, null));
    }

    synchronized void remove(String zoneId, String name, String type) {
        zones.get(zoneId).sets.remove(new Key(canonical(name), type, ""));
    }

    /** The plain RRset as held (name in any form), or null. */
    synchronized RecordSet get(String zoneId, String name, String type) {
        return zones.get(zoneId).sets.get(new Key(canonical(name), type, ""));
    }

    synchronized List<RecordSet> all(String zoneId) {
        return List.copyOf(zones.get(zoneId).sets.values());
    }

    /** The next {@code n} requests (only change requests when {@code writesOnly}) are answered with {@code code}. */
    synchronized void throttleNext(int n, String code, boolean writesOnly) {
        for (int i = 0; i < n; i++) throttles.add(new String[] {code, writesOnly ? "write" : "any"});
    }

    /** Runs {@code r} (someone else's change) just before the next change request is looked at. */
    synchronized void beforeNextChange(Runnable r) {
        beforeNextChange = r;
    }

    /** The next accepted change leaves this RRset as it was, though Route 53 says INSYNC. */
    synchronized void ignoreInNextChange(String name, String type) {
        dropFromNextChange = new Key(canonical(name), type, "");
    }

    // ------------------------------------------------------------------ the API

    private MockResponse handle(RecordedRequest r) {
        arrivals.add(System.nanoTime());
        HttpUrl url = r.getUrl();
        List<String> p = url.pathSegments();
        requests.add(r.getMethod() + " " + url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery()));
        MockResponse denied = checkSignature(r);
        if (denied != null) return denied;
        boolean write = r.getMethod().equals("POST");
        for (int i = 0; i < throttles.size(); i++) {
            String[] t = throttles.get(i);
            if (t[1].equals("any") || write) {
                throttles.remove(i);
                return error(400, t[0], t[0].equals("Throttling") ? "Rate exceeded"
                        : "The request was rejected because Route 53 was still processing a prior request.");
            }
        }
        if (p.size() < 2 || !p.get(0).equals("2013-04-01")) return error(404, "UnknownOperation", "no such path");
        try {
            if (r.getMethod().equals("GET") && p.size() == 3 && p.get(1).equals("hostedzone")) return getHostedZone(p.get(2));
            if (r.getMethod().equals("GET") && p.size() == 2 && p.get(1).equals("hostedzonesbyname")) return byName(url);
            if (r.getMethod().equals("GET") && p.size() == 4 && p.get(1).equals("hostedzone") && p.get(3).equals("rrset")) {
                return list(p.get(2), url);
            }
            if (write && p.size() >= 4 && p.get(1).equals("hostedzone") && p.get(3).equals("rrset")) {
                return change(p.get(2), r.getBody().toByteArray());
            }
            if (r.getMethod().equals("GET") && p.size() == 3 && p.get(1).equals("change")) return getChange(p.get(2));
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidInput", e.getMessage());
        }
        return error(404, "UnknownOperation", r.getMethod() + " " + url.encodedPath());
    }

    private MockResponse checkSignature(RecordedRequest r) {
        String auth = r.getHeaders().get("Authorization");
        String date = r.getHeaders().get("X-Amz-Date");
        if (auth == null || date == null) return error(403, "MissingAuthenticationToken", "Missing Authentication Token");
        Matcher m = AUTH.matcher(auth);
        if (!m.matches() || !date.matches("\\d{8}T\\d{6}Z") || !date.startsWith(m.group(2))) {
            return error(403, "IncompleteSignature", "the Authorization header is not a SigV4 signature for route53");
        }
        List<String> signed = List.of(m.group(4).split(";"));
        if (!signed.contains("host") || !signed.contains("x-amz-date")) {
            return error(403, "IncompleteSignature", "host and x-amz-date must be signed");
        }
        if (!m.group(1).equals(accessKeyId)) {
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        if (sessionToken != null && (!sessionToken.equals(r.getHeaders().get("X-Amz-Security-Token"))
                || !signed.contains("x-amz-security-token"))) {
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        return null;
    }

    private MockResponse getHostedZone(String id) {
        Zone z = zones.get(id);
        if (z == null) return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
        return ok("<GetHostedZoneResponse xmlns=\"" + XMLNS + "\">" + hostedZone(z)
                + "<DelegationSet><NameServers><NameServer>ns-2048.awsdns-64.net</NameServer></NameServers></DelegationSet>"
                + "</GetHostedZoneResponse>");
    }

    private String hostedZone(Zone z) {
        return "<HostedZone><Id>/hostedzone/" + z.id + "</Id><Name>" + esc(z.name) + "</Name><CallerReference>fake-"
                + z.id + "</CallerReference><Config><PrivateZone>" + z.privateZone + "</PrivateZone></Config>"
                + "<ResourceRecordSetCount>" + z.sets.size() + "</ResourceRecordSetCount></HostedZone>";
    }

    private MockResponse byName(HttpUrl url) {
        String dnsName = url.queryParameter("dnsname");
        int max = Integer.parseInt(orElse(url.queryParameter("maxitems"), "100"));
        List<Zone> sorted = new ArrayList<>(zones.values());
        sorted.sort(Comparator.<Zone, String>comparing(z -> reversed(z.name)).thenComparing(z -> z.id));
        String from = dnsName == null ? "" : reversed(canonical(dnsName));
        String fromId = url.queryParameter("hostedzoneid");
        List<Zone> page = new ArrayList<>();
        Zone next = null;
        for (Zone z : sorted) {
            int c = reversed(z.name).compareTo(from);
            if (c < 0 || c == 0 && fromId != null && z.id.compareTo(fromId) < 0) continue;
            if (page.size() == max) {
                next = z;
                break;
            }
            page.add(z);
        }
        StringBuilder b = new StringBuilder("<ListHostedZonesByNameResponse xmlns=\"" + XMLNS + "\"><HostedZones>");
        for (Zone z : page) b.append(hostedZone(z));
        b.append("</HostedZones>");
        if (dnsName != null) b.append("<DNSName>").append(esc(dnsName)).append("</DNSName>");
        b.append("<IsTruncated>").append(next != null).append("</IsTruncated>");
        if (next != null) {
            b.append("<NextDNSName>").append(esc(next.name)).append("</NextDNSName><NextHostedZoneId>").append(next.id)
                    .append("</NextHostedZoneId>");
        }
        b.append("<MaxItems>").append(max).append("</MaxItems></ListHostedZonesByNameResponse>");
        return ok(b.toString());
    }

    private MockResponse list(String id, HttpUrl url) {
        Zone z = zones.get(id);
        if (z == null) return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
        String name = url.queryParameter("name");
        String type = url.queryParameter("type");
        String identifier = url.queryParameter("identifier");
        if (type != null && name == null) throw new IllegalArgumentException("type given without name");
        int max = Math.min(Integer.parseInt(orElse(url.queryParameter("maxitems"), "300")), 300);
        int take = Math.max(1, Math.min(max, pageSize));
        Key from = name == null ? null : new Key(canonical(name), orElse(type, ""), orElse(identifier, ""));
        List<RecordSet> page = new ArrayList<>();
        RecordSet next = null;
        for (RecordSet s : (from == null ? z.sets : z.sets.tailMap(from, true)).values()) {
            if (page.size() == take) {
                next = s;
                break;
            }
            page.add(s);
        }
        StringBuilder b = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + XMLNS + "\"><ResourceRecordSets>");
        for (RecordSet s : page) b.append(xml(s));
        b.append("</ResourceRecordSets><IsTruncated>").append(next != null).append("</IsTruncated>");
        if (next != null) {
            b.append("<NextRecordName>").append(esc(next.name())).append("</NextRecordName><NextRecordType>")
                    .append(next.type()).append("</NextRecordType>");
            if (next.setIdentifier() != null) {
                b.append("<NextRecordIdentifier>").append(esc(next.setIdentifier())).append("</NextRecordIdentifier>");
            }
        }
        b.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>");
        return ok(b.toString());
    }

    private static String xml(RecordSet s) {
        StringBuilder b = new StringBuilder("<ResourceRecordSet><Name>").append(esc(s.name())).append("</Name><Type>")
                .append(s.type()).append("</Type>");
        if (s.setIdentifier() != null) b.append("<SetIdentifier>").append(esc(s.setIdentifier())).append("</SetIdentifier>");
        if (s.weight() != null) b.append("<Weight>").append(s.weight()).append("</Weight>");
        if (s.aliasDnsName() != null) {
            b.append("<AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>").append(esc(s.aliasDnsName()))
                    .append("</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>");
        } else {
            b.append("<TTL>").append(s.ttl()).append("</TTL><ResourceRecords>");
            for (String v : s.values()) b.append("<ResourceRecord><Value>").append(esc(v)).append("</Value></ResourceRecord>");
            b.append("</ResourceRecords>");
        }
        return b.append("</ResourceRecordSet>").toString();
    }

    private MockResponse change(String id, byte[] body) {
        Zone z = zones.get(id);
        if (z == null) return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
        if (beforeNextChange != null) {
            Runnable r = beforeNextChange;
            beforeNextChange = null;
            r.run();
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            return error(400, "InvalidInput", "the body is not XML: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!root.getLocalName().equals("ChangeResourceRecordSetsRequest") || !XMLNS.equals(root.getNamespaceURI())) {
            return error(400, "InvalidInput", "expected a ChangeResourceRecordSetsRequest in " + XMLNS);
        }
        List<Element> changeElements = children(first(first(root, "ChangeBatch"), "Changes"), "Change");
        List<String> actions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int records = 0;
        int chars = 0;
        TreeMap<Key, RecordSet> next = new TreeMap<>(z.sets);
        Set<Key> deleted = new HashSet<>();
        List<Key> touched = new ArrayList<>();
        for (Element c : changeElements) {
            String action = text(c, "Action");
            Element rrs = first(c, "ResourceRecordSet");
            String name = canonical(text(rrs, "Name"));
            String type = text(rrs, "Type");
            String ttl = text(rrs, "TTL");
            List<String> values = new ArrayList<>();
            Element list = first(rrs, "ResourceRecords");
            if (list != null) for (Element rr : children(list, "ResourceRecord")) values.add(text(rr, "Value"));
            records += values.size();
            for (String v : values) chars += v.length();
            actions.add(action + " " + name + " " + type);
            String named = "[name='" + name + "', type='" + type + "']";
            Key key = new Key(name, type, "");
            touched.add(key);
            if (action.equals("UPSERT")) {
                problems.add("this fake refuses UPSERT: the adapter must never overwrite blindly");
            } else if (!name.equals(z.name) && !name.endsWith("." + z.name)) {
                problems.add("RRSet with DNS name " + name + " is not permitted in zone " + z.name);
            } else if (ttl == null || values.isEmpty()) {
                problems.add("Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]]"
                        + " for " + named);
            } else if (action.equals("DELETE")) {
                RecordSet live = next.get(key);
                if (!deleted.add(key)) {
                    problems.add("Duplicate Resource Record: deleting " + named + " twice");
                } else if (live == null) {
                    problems.add("Tried to delete resource record set " + named + " but it was not found");
                } else if (!live.ttl().equals(Long.parseLong(ttl)) || !Set.copyOf(live.values()).equals(Set.copyOf(values))
                        || live.values().size() != values.size()) {
                    problems.add("Tried to delete resource record set " + named + " but the values provided do not match"
                            + " the current values");
                } else if (name.equals(z.name) && (type.equals("SOA") || type.equals("NS"))) {
                    problems.add("A HostedZone must contain exactly one SOA record and at least one NS record at its apex");
                } else {
                    next.remove(key);
                }
            } else if (action.equals("CREATE")) {
                boolean cnameThere = next.containsKey(new Key(name, "CNAME", ""));
                boolean othersThere = next.keySet().stream().anyMatch(k -> k.name().equals(name) && !k.type().equals("CNAME"));
                if (next.containsKey(key)) {
                    problems.add("Tried to create resource record set " + named + " but it already exists");
                } else if (type.equals("CNAME") && othersThere || !type.equals("CNAME") && cnameThere) {
                    problems.add("RRSet of type " + type + " with DNS name " + name + " is not permitted as it conflicts"
                            + " with other records with the same DNS name in zone " + z.name);
                } else {
                    next.put(key, new RecordSet(name, type, null, Long.parseLong(ttl), values, null, null));
                }
            } else {
                problems.add("Invalid action " + action);
            }
        }
        if (records > 1000) problems.add(0, "Number of records limit of 1000 exceeded.");
        if (chars > 32000) problems.add(0, "Number of characters in Value elements exceeds 32000.");
        boolean accepted = problems.isEmpty() && !changeElements.isEmpty();
        changeRequests.add(new ChangeRequest(id, List.copyOf(actions), records, chars, accepted));
        if (changeElements.isEmpty()) return error(400, "InvalidInput", "a change batch needs at least one change");
        if (!problems.isEmpty()) return invalidChangeBatch(problems);
        if (dropFromNextChange != null && touched.contains(dropFromNextChange)) {
            RecordSet old = z.sets.get(dropFromNextChange);
            if (old == null) next.remove(dropFromNextChange);
            else next.put(dropFromNextChange, old);
            dropFromNextChange = null;
        }
        z.sets.clear();
        z.sets.putAll(next);
        String changeId = String.format("C%012dFAKE", ++changeCounter);
        changes.put(changeId, System.currentTimeMillis());
        return ok("<ChangeResourceRecordSetsResponse xmlns=\"" + XMLNS + "\">" + changeInfo(changeId)
                + "</ChangeResourceRecordSetsResponse>");
    }

    private String changeInfo(String id) {
        boolean inSync = System.currentTimeMillis() - changes.get(id) >= syncDelayMillis;
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + (inSync ? "INSYNC" : "PENDING")
                + "</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo>";
    }

    private MockResponse getChange(String id) {
        if (!changes.containsKey(id)) return error(404, "NoSuchChange", "A change with the specified change ID does not exist.");
        return ok("<GetChangeResponse xmlns=\"" + XMLNS + "\">" + changeInfo(id) + "</GetChangeResponse>");
    }

    // ------------------------------------------------------------------ helpers

    private static MockResponse ok(String xml) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/xml")
                .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).build();
    }

    static MockResponse error(int code, String errorCode, String message) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "text/xml")
                .body("<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>"
                        + errorCode + "</Code><Message>" + esc(message) + "</Message></Error><RequestId>fake</RequestId>"
                        + "</ErrorResponse>").build();
    }

    private static MockResponse invalidChangeBatch(List<String> messages) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"" + XMLNS + "\"><Messages>");
        for (String m : messages) b.append("<Message>").append(esc(m)).append("</Message>");
        b.append("</Messages><RequestId>fake</RequestId></InvalidChangeBatch>");
        return new MockResponse.Builder().code(400).addHeader("Content-Type", "text/xml").body(b.toString()).build();
    }

    /**
     * A name as Route 53 holds it: lower case, absolute, a-z 0-9 - _ as they are and every other byte (a
     * wildcard '*' included) as \ooo. Accepts names written with '*' or octal escapes.
     */
    static String canonical(String name) {
        StringBuilder out = new StringBuilder();
        byte[] t = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < t.length; i++) {
            int c = t[i] & 0xff;
            if (c == '\\' && isOctal(t, i + 1)) {
                c = Integer.parseInt(new String(t, i + 1, 3, java.nio.charset.StandardCharsets.US_ASCII), 8);
                i += 3;
                out.append(escapeByte(c));
            } else if (c == '.') {
                out.append('.');
            } else {
                out.append(escapeByte(Character.toLowerCase(c)));
            }
        }
        String s = out.toString();
        return s.endsWith(".") ? s : s + ".";
    }

    private static boolean isOctal(byte[] t, int from) {
        if (from + 3 > t.length) return false;
        for (int k = from; k < from + 3; k++) if (t[k] < '0' || t[k] > '7') return false;
        return true;
    }

    private static String escapeByte(int c) {
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') return String.valueOf((char) c);
        return String.format("\\%03o", c);
    }

    static String reversed(String name) {
        List<String> labels = new ArrayList<>(List.of(name.split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    private static Element first(Element parent, String name) {
        if (parent == null) return null;
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element e && name.equals(e.getLocalName())) out.add(e);
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = first(parent, name);
        return e == null ? null : e.getTextContent();
    }

    private static String orElse(String s, String d) {
        return s == null ? d : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        server.close();
    }

    /** Most requests that arrived within any one second. */
    int busiestSecond() {
        List<Long> t = new ArrayList<>(arrivals);
        Collections.sort(t);
        int most = 0;
        int from = 0;
        for (int i = 0; i < t.size(); i++) {
            while (t.get(i) - t.get(from) >= 1_000_000_000L) from++;
            most = Math.max(most, i - from + 1);
        }
        return most;
    }
}
