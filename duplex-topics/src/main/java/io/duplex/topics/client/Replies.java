package io.duplex.topics.client;

import java.lang.System.Logger.Level;

/**
 * Hands each server message to whoever waits for it: a topic's listener (by topic) or a request's
 * future (by id).
 *
 * <p>Threading: called on the connection's loop (or handler executor), one message at a time, so
 * listeners see a topic's messages in the order they arrived.
 */
final class Replies {
    private static final System.Logger LOG = System.getLogger(Replies.class.getName());
    private static final int NOT_SUBSCRIBED = 4008;
    private static final int UNAVAILABLE = 5001;
    private static final long FIRST_RETRY_MILLIS = 50;
    private static final long MAX_RETRY_MILLIS = 5_000;

    private Replies() {}

    static void dispatch(TopicsSession session, ServerMessage message) {
        if (message instanceof ServerMessage.Pub m) {
            // Publications before the subscribe answer belong to an earlier subscription of the
            // topic on this connection (unsubscribed, then subscribed again): not this one's.
            Subscription s = session.confirmed(m.publication().topic());
            if (s != null) {
                s.position(m.publication().position());
                s.listener()
                        .onPublication(
                                m.publication().position(), m.publication().data());
            }
        } else if (message instanceof ServerMessage.Subscribed m) {
            if (session.take(m.id()) instanceof Pending.Subscribe p
                    && session.confirm(p.subscription(), m.position())) {
                p.subscription().listener().onSubscribed(m.recovered(), m.position());
            }
        } else if (message instanceof ServerMessage.Interrupted m) {
            Subscription s = session.confirmed(m.topic());
            if (s != null) {
                s.position(m.position());
                s.listener().onInterrupted(m.position());
            }
        } else if (message instanceof ServerMessage.Presence m) {
            // As for publications: only a subscription answered on this connection.
            Subscription s = session.confirmed(m.topic());
            if (s != null && s.presence()) {
                if (m.joined()) {
                    s.listener().onJoin(m.member(), m.user());
                } else {
                    s.listener().onLeave(m.member(), m.user());
                }
            }
        } else if (message instanceof ServerMessage.PresencePage m) {
            if (session.take(m.id()) instanceof Pending.Presence p) {
                p.future().complete(new TopicPresencePage(m.topic(), m.members(), m.cursor()));
            }
        } else if (message instanceof ServerMessage.PresenceStats m) {
            if (session.take(m.id()) instanceof Pending.PresenceStats p) {
                p.future().complete(new TopicPresenceStats(m.topic(), m.connections(), m.users()));
            }
        } else if (message instanceof ServerMessage.Published m) {
            if (session.take(m.id()) instanceof Pending.Publish p) {
                p.future().complete(m.position());
            }
        } else if (message instanceof ServerMessage.History m) {
            if (session.take(m.id()) instanceof Pending.History p) {
                p.future().complete(new TopicHistoryPage(m.topic(), m.latest(), m.publications()));
            }
        } else if (message instanceof ServerMessage.Unsubscribed m) {
            if (session.take(m.id()) instanceof Pending.Unsubscribe p) {
                p.future().complete(null);
            }
        } else if (message instanceof ServerMessage.Pong m) {
            if (session.take(m.id()) instanceof Pending.Ping p) {
                p.future().complete(null);
            }
        } else if (message instanceof ServerMessage.Error m) {
            error(session, m);
        } else if (message instanceof ServerMessage.Unknown m) {
            LOG.log(Level.DEBUG, "ignored a message of type {0}", m.type());
        }
    }

    private static void error(TopicsSession session, ServerMessage.Error m) {
        TopicsException e = new TopicsException(m.code(), m.error(), m.message());
        Pending pending = session.take(m.id());
        if (pending == null) {
            LOG.log(Level.WARNING, "the topics server reported: {0}", e.getMessage());
        } else if (pending instanceof Pending.Subscribe p && m.code() == UNAVAILABLE) {
            // Transient (the server is starting, or its stream engine is unreachable): the
            // subscription is not refused but asked again, with full-jitter backoff up to 5 s.
            Subscription s = p.subscription();
            long cap = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(s.retries, 10));
            LOG.log(Level.DEBUG, "subscribe to {0} unavailable ({1}); retrying", s.topic(), m.message());
            session.retryLater(
                    s, java.util.concurrent.ThreadLocalRandom.current().nextLong(1, cap + 1));
        } else if (pending instanceof Pending.Subscribe p) {
            if (session.refuse(p.subscription())) {
                p.subscription().listener().onError(m.code(), m.message());
            }
        } else if (pending instanceof Pending.Unsubscribe p && m.code() == NOT_SUBSCRIBED) {
            // The server holds no such subscription, which is what was asked for.
            p.future().complete(null);
        } else {
            pending.fail(e);
        }
    }
}
