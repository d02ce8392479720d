package dev.migrate.provider.rfc2136;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Type;

/**
 * Reads the answer records of a zone transfer, message after message, and says when it is complete and
 * what it holds. Pure: no network. An AXFR (RFC 5936 §2.2) is the SOA, the zone's records, the SOA
 * again. An IXFR (RFC 1995 §4) from the client's serial is one of: the server's SOA alone (nothing
 * newer than the client's serial); the server's SOA, then for each change in order the old SOA, the
 * records deleted, the new SOA, the records added, then the server's SOA again; or a whole zone in AXFR
 * form when the server no longer has the history (or keeps none).
 */
final class TransferReader {
    /** What a complete transfer holds. */
    sealed interface Result permits UpToDate, Whole, Changes {}

    /** The client's version is current: the server's SOA (RFC 1995 §2, last paragraph). */
    record UpToDate(SOARecord soa) implements Result {}

    /** The whole zone, SOA first (an AXFR, or an IXFR answered in AXFR form). */
    record Whole(List<Record> records) implements Result {}

    /** The changes since the client's serial, oldest first, and the SOA they end at. */
    record Changes(SOARecord end, List<Difference> differences) implements Result {}

    /** One change: the version it starts from and ends at, the records it deleted and added. */
    record Difference(SOARecord from, SOARecord to, List<Record> deleted, List<Record> added) {}

    private enum State { FIRST_SOA, FIRST_DATA, WHOLE, DELETED_SOA, DELETED, ADDED, DONE }

    private final long clientSerial;
    private final boolean incremental;
    private State state = State.FIRST_SOA;
    private SOARecord end;
    private final List<Record> whole = new ArrayList<>();
    private final List<Difference> differences = new ArrayList<>();
    private SOARecord from;
    private SOARecord to;
    private List<Record> deleted;
    private List<Record> added;

    private TransferReader(boolean incremental, long clientSerial) {
        this.incremental = incremental;
        this.clientSerial = clientSerial;
    }

    static TransferReader axfr() {
        return new TransferReader(false, -1);
    }

    static TransferReader ixfr(long clientSerial) {
        return new TransferReader(true, clientSerial);
    }

    boolean done() {
        return state == State.DONE;
    }

    /**
     * Takes the next answer records. IllegalStateException when the stream breaks the format (the caller
     * reports the server as broken and drops the connection).
     */
    void feed(List<Record> records) {
        for (Record r : records) {
            if (state == State.DONE) throw new IllegalStateException("records after the end of the transfer");
            take(r);
        }
    }

    private void take(Record r) {
        SOARecord soa = r.getType() == Type.SOA ? (SOARecord) r : null;
        switch (state) {
            case FIRST_SOA -> {
                if (soa == null) throw new IllegalStateException("the transfer does not start with the SOA");
                end = soa;
                if (incremental && Serial.compare(soa.getSerial(), clientSerial) <= 0) {
                    state = State.DONE; // RFC 1995 §2: the same or an older version: nothing to send
                    return;
                }
                whole.add(soa);
                state = State.FIRST_DATA;
            }
            case FIRST_DATA -> {
                if (incremental && soa != null && soa.getSerial() == clientSerial) {
                    whole.clear();
                    startDifference(soa);
                } else {
                    state = State.WHOLE;
                    take(r);
                }
            }
            case WHOLE -> {
                if (soa != null) {
                    if (soa.getSerial() != end.getSerial()) {
                        throw new IllegalStateException("the transfer ends at serial " + soa.getSerial()
                                + ", not the " + end.getSerial() + " it started with");
                    }
                    state = State.DONE;
                } else {
                    whole.add(r);
                }
            }
            case DELETED_SOA -> {
                if (soa == null) throw new IllegalStateException("a change in the IXFR does not start with an SOA");
                startDifference(soa);
            }
            case DELETED -> {
                if (soa != null) {
                    to = soa;
                    state = State.ADDED;
                } else {
                    deleted.add(r);
                }
            }
            case ADDED -> {
                if (soa == null) {
                    added.add(r);
                    return;
                }
                differences.add(new Difference(from, to, List.copyOf(deleted), List.copyOf(added)));
                if (soa.getSerial() == end.getSerial() && to.getSerial() == end.getSerial()) {
                    state = State.DONE;
                } else if (soa.getSerial() == to.getSerial()) {
                    startDifference(soa);
                } else {
                    throw new IllegalStateException("a change in the IXFR starts at serial " + soa.getSerial()
                            + " where the one before ended at " + to.getSerial());
                }
            }
            default -> throw new IllegalStateException("records after the end of the transfer");
        }
    }

    private void startDifference(SOARecord soa) {
        from = soa;
        deleted = new ArrayList<>();
        added = new ArrayList<>();
        state = State.DELETED;
    }

    /** The result; only once {@link #done()}. */
    Result result() {
        if (state != State.DONE) throw new IllegalStateException("the transfer is not complete");
        if (incremental && whole.isEmpty() && differences.isEmpty()) return new UpToDate(end);
        if (!differences.isEmpty()) return new Changes(end, List.copyOf(differences));
        return new Whole(List.copyOf(whole));
    }
}
