package io.duplex.redis;

import io.duplex.Member;
import io.duplex.PresenceEvent;
import io.duplex.PresencePage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How members and events travel through Redis. A member is stored (field = client id) as {@code
 * <n>:<user id><k>:<node id><info>}, {@code n} and {@code k} the UTF-8 byte lengths in decimal: the
 * scripts read the user id from it ({@code string.find} / {@code string.sub} count bytes) and the
 * info, last, needs no length. An event ({@link PresenceScripts}) is {@code j|l}, {@code 1|0} (user
 * flag), {@code <length>:<client id>}, then the stored member.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class PresenceCodec {
    private PresenceCodec() {}

    static byte[] encode(Member m, String nodeId) {
        StringBuilder sb = new StringBuilder(m.userId().length() + m.info().length() + 32);
        field(sb, m.userId());
        field(sb, nodeId);
        sb.append(m.info());
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An event from its channel's message, or null for a message that is not one. */
    static PresenceEvent event(String topic, byte[] message) {
        if (message.length < 4 || (message[0] != 'j' && message[0] != 'l')) {
            return null;
        }
        try {
            int[] at = {2};
            String clientId = field(message, at);
            Member m = member(clientId, message, at);
            return new PresenceEvent(topic, message[0] == 'j', m, message[1] == '1');
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /** The MEMBERS script's reply: next cursor ("" none), then (client id, stored member) pairs. */
    static PresencePage page(List<Object> reply) {
        String cursor = text((byte[]) reply.get(0));
        List<Member> members = new ArrayList<>((reply.size() - 1) / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            members.add(member(text((byte[]) reply.get(i)), (byte[]) reply.get(i + 1), new int[] {0}));
        }
        return new PresencePage(members, cursor.isEmpty() ? null : cursor);
    }

    private static Member member(String clientId, byte[] b, int[] at) {
        String userId = field(b, at);
        field(b, at); // node id: for operators reading the hash
        String info = new String(b, at[0], b.length - at[0], StandardCharsets.UTF_8);
        return new Member(clientId, userId, info);
    }

    private static void field(StringBuilder sb, String s) {
        sb.append(s.getBytes(StandardCharsets.UTF_8).length).append(':').append(s);
    }

    private static String field(byte[] b, int[] at) {
        int i = at[0];
        int n = 0;
        while (b[i] != ':') {
            int d = b[i++] - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("not a length");
            }
            n = n * 10 + d;
        }
        i++; // ':'
        at[0] = i + n;
        if (at[0] > b.length) {
            throw new IllegalArgumentException("truncated");
        }
        return new String(b, i, n, StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
