package io.duplex.examples.chat;

import io.duplex.Member;
import io.duplex.PresenceIdentity;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.Streams;
import io.duplex.WebSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The rooms' members as the library's presence (topic {@code chat.<room>}, every instance sharing
 * one {@link io.duplex.PresenceEngine}): who a connection is ({@link #identity}), who holds a
 * nick in a room across every instance ({@link #holders}), and the member list a joiner is sent
 * ({@link #sendList}). Joins and leaves reach the pages through {@link ChatCodec#presence}.
 *
 * <p>A member's user id is its nick in lower case, so nick uniqueness (case-insensitive) and
 * user-level presence are one notion: two connections of one nick (a page resuming its session)
 * are one member in every list. Its info is {@code "<tag> <nick>"}: the connection's public tag
 * ({@link Session#tag}) and the nick as typed.
 *
 * <p>Threading: safe from any thread; never blocks. Completions run on the engine's threads.
 */
final class ChatPresence {
    /** The most members a joiner's list names; {@code total} says how many there are. */
    static final int LIST_CAP = 200;

    private volatile Streams streams;

    /** The server's streams, once it has started. */
    void bind(Streams streams) {
        this.streams = streams;
    }

    /** A connection's identity: its nick (lower case) as user, tag and nick as info. */
    static PresenceIdentity identity() {
        return ws -> {
            Session s = ws.attachment();
            String nick = s == null ? null : s.nick();
            if (nick == null) {
                // Left or replaced between its join and its subscribe: shown to nobody (see nick()).
                return PresenceIdentity.Identity.anonymous();
            }
            return new PresenceIdentity.Identity(key(nick), s.tag + " " + nick);
        };
    }

    /** The case-insensitive key of a nick: its user id. */
    static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    /** The nick a member's info holds, or null (an anonymous member). */
    static String nick(String info) {
        int space = info.indexOf(' ');
        return space < 0 ? null : info.substring(space + 1);
    }

    /** The tag a member's info holds, or null. */
    static String tag(String info) {
        int space = info.indexOf(' ');
        return space < 0 ? null : info.substring(0, space);
    }

    /**
     * The members of {@code room}, on every instance, whose nick is {@code nick}
     * (case-insensitively). Reads every page of the room's members: a cost in proportion to the
     * room, paid once or twice per join.
     */
    CompletionStage<List<Member>> holders(String room, String nick) {
        String user = key(nick);
        List<Member> found = new ArrayList<>();
        return scan(ChatCodec.topic(room), null, m -> {
                    if (m.userId().equals(user)) {
                        found.add(m);
                    }
                })
                .thenApply(v -> found);
    }

    /**
     * {@link #holders} once connection {@code tag} is among them. The runtime joins a subscriber to
     * presence right after answering it, so the first read may come just before; a few quick
     * retries (5 ms doubling, {@value #VISIBLE_TRIES} reads) cover that. After the last, the
     * holders are returned as they are.
     */
    CompletionStage<List<Member>> holdersOnceVisible(String room, String nick, String tag) {
        return holdersOnceVisible(room, nick, tag, 1);
    }

    static final int VISIBLE_TRIES = 8;

    private CompletionStage<List<Member>> holdersOnceVisible(String room, String nick, String tag, int n) {
        return holders(room, nick).thenCompose(found -> {
            for (Member m : found) {
                if (tag.equals(tag(m.info()))) {
                    return CompletableFuture.completedFuture(found);
                }
            }
            if (n >= VISIBLE_TRIES) {
                return CompletableFuture.completedFuture(found);
            }
            Executor later = CompletableFuture.delayedExecutor(5L << (n - 1), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(v -> holdersOnceVisible(room, nick, tag, n + 1));
        });
    }

    /**
     * Whether a member other than connection {@code mine} (and other than {@code resumed}, the
     * connection a resume names, possibly on another instance and not yet gone) holds the nick.
     */
    static boolean takenByOther(List<Member> holders, String mine, String resumed) {
        for (Member m : holders) {
            String tag = tag(m.info());
            if (tag != null && !tag.equals(mine) && !tag.equals(resumed)) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<Void> scan(String topic, String cursor, java.util.function.Consumer<Member> each) {
        return streams.presence(topic, cursor, PresencePage.MAX_LIMIT).thenCompose(page -> {
            page.members().forEach(each);
            return page.cursor() == null ? CompletableFuture.completedFuture(null) : scan(topic, page.cursor(), each);
        });
    }

    /**
     * Sends {@code ws} the member list of {@code room}: the nicks of the first {@link #LIST_CAP}
     * members (one per user), and {@code total}, the room's users on every instance.
     */
    void sendList(WebSocket ws, String room) {
        String topic = ChatCodec.topic(room);
        CompletionStage<PresencePage> first = streams.presence(topic, null, LIST_CAP);
        CompletionStage<PresenceStats> stats = streams.presenceStats(topic);
        first.thenCombine(stats, (page, counts) -> {
                    Map<String, String> byUser = new LinkedHashMap<>();
                    for (Member m : page.members()) {
                        String nick = nick(m.info());
                        if (nick != null) {
                            byUser.putIfAbsent(m.userId(), nick);
                        }
                    }
                    // The counts are read apart from the page: never say fewer than are named.
                    long total = Math.max(counts.users(), byUser.size());
                    return ServerMessages.presence(room, byUser.values(), total);
                })
                .whenComplete((json, e) -> {
                    if (e != null) {
                        ws.send(ServerMessages.error(ErrorCode.UNAVAILABLE, "the member list is unavailable"));
                    } else {
                        ws.send(json);
                    }
                });
    }
}
