package io.duplex;

import java.util.List;

/**
 * A page of a topic's members.
 *
 * @param members at most the limit asked for, in no particular order
 * @param cursor where the next page starts ({@link PresenceEngine#members}), or null after the last
 *     <p>Threading: immutable.
 */
public record PresencePage(List<Member> members, String cursor) {
    /** The largest page that may be asked for. */
    public static final int MAX_LIMIT = 1000;

    public PresencePage {
        members = List.copyOf(members);
    }
}
