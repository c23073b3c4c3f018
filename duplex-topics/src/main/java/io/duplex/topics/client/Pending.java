package io.duplex.topics.client;

import io.duplex.Position;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its reply, keyed by its id in {@link TopicsSession}.
 *
 * <p>Threading: immutable; the futures are completed once, on the loop or by whoever fails them.
 */
sealed interface Pending {
    /** Ends the request when its connection is gone; the reply cannot come any more. */
    void connectionLost(String why);

    /** Ends the request with the server's refusal. */
    void fail(TopicsException e);

    record Subscribe(Subscription subscription) implements Pending {
        @Override
        public void fail(TopicsException e) {
            subscription.listener().onError(e.code(), e.getMessage());
        }

        @Override
        public void connectionLost(String why) {
            // The subscription stays tracked and is sent again on the next connection.
        }
    }

    record Publish(CompletableFuture<Position> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            future.completeExceptionally(
                    new ConnectionLostException(why + " before the publish was acknowledged; it may have been stored"));
        }
    }

    record History(CompletableFuture<TopicHistoryPage> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            future.completeExceptionally(new ConnectionLostException(why + " before the history arrived"));
        }
    }

    record Presence(CompletableFuture<TopicPresencePage> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            future.completeExceptionally(new ConnectionLostException(why + " before the presence page arrived"));
        }
    }

    record PresenceStats(CompletableFuture<TopicPresenceStats> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            future.completeExceptionally(new ConnectionLostException(why + " before the presence stats arrived"));
        }
    }

    record Unsubscribe(CompletableFuture<Void> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            // A connection's subscriptions end with it: nothing is left to unsubscribe from.
            future.complete(null);
        }
    }

    record Ping(CompletableFuture<Void> future) implements Pending {
        @Override
        public void fail(TopicsException e) {
            future.completeExceptionally(e);
        }

        @Override
        public void connectionLost(String why) {
            future.completeExceptionally(new ConnectionLostException(why + " before the pong"));
        }
    }
}
