package org.openhes.headend.scheduler.delivery;

/**
 * A place in the feed: the writing transaction's id and the entry's id. Written as {@code txid-id}, the
 * cursor a client keeps. Positions are ordered by transaction, then entry.
 */
public record FeedPosition(long txid, long id) implements Comparable<FeedPosition> {
    /** Before every entry. */
    public static final FeedPosition START = new FeedPosition(0, 0);

    public static FeedPosition parse(String cursor) {
        int dash = cursor == null ? -1 : cursor.indexOf('-');
        if (dash <= 0) throw new IllegalArgumentException("a cursor is two numbers joined by '-', as the feed gives it (was " + cursor + ")");
        try {
            FeedPosition p = new FeedPosition(Long.parseLong(cursor.substring(0, dash)), Long.parseLong(cursor.substring(dash + 1)));
            if (p.txid < 0 || p.id < 0) throw new NumberFormatException("negative");
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a cursor is two numbers joined by '-', as the feed gives it (was " + cursor + ")");
        }
    }

    @Override
    public int compareTo(FeedPosition o) {
        int t = Long.compare(txid, o.txid);
        return t != 0 ? t : Long.compare(id, o.id);
    }

    @Override
    public String toString() {
        return txid + "-" + id;
    }
}
