package io.duplex.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What was lost while Redis was unreachable, told in the log when it is back: how long, how many
 * publishes (to how many topics) did not reach the other nodes, how many topics were resubscribed.
 * An outage starts when either connection (publish, subscribe) drops and ends when both are back.
 *
 * <p>Threading: safe from any thread; {@link #dropped} is lock-free, the rest is synchronized.
 */
final class OutageReport {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());
    /** Distinct topic names kept per outage; beyond it the report says "at least". */
    private static final int MAX_TOPICS = 10_000;

    private final LongAdder dropped = new LongAdder();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private Instant since;
    private boolean publisherDown;
    private boolean subscriberDown;

    /** A publish that was not relayed because the publish connection was down. */
    void dropped(String topic) {
        dropped.increment();
        if (topics.size() < MAX_TOPICS) {
            topics.add(topic);
        }
    }

    synchronized void down(boolean publisher, Object where) {
        if (publisher) {
            publisherDown = true;
        } else {
            subscriberDown = true;
        }
        if (since == null) {
            since = Instant.now();
            LOG.log(
                    Level.WARNING,
                    "Redis at {0} unreachable; publishes reach this node''s subscribers only, until it is back",
                    where);
        }
    }

    /** One connection is back; for the subscriber, after it resubscribed to {@code topicCount} topics. */
    synchronized void restored(boolean publisher, int topicCount) {
        if (since == null) {
            return;
        }
        if (publisher && publisherDown) {
            publisherDown = false;
            long lost = dropped.sumThenReset();
            int lostTopics = topics.size();
            topics.clear();
            String took = seconds(Duration.between(since, Instant.now()));
            if (lost == 0) {
                LOG.log(Level.INFO, "Redis unreachable since {0} ({1} s); no publish was lost", since, took);
            } else {
                LOG.log(
                        Level.WARNING,
                        "Redis unreachable since {0} ({1} s); {2} publishes (to {3}{4} topics) were not relayed"
                                + " to other nodes",
                        since,
                        took,
                        lost,
                        lostTopics >= MAX_TOPICS ? "at least " : "",
                        lostTopics);
            }
        } else if (!publisher && subscriberDown) {
            subscriberDown = false;
            LOG.log(
                    Level.WARNING,
                    "Redis connection restored; resubscribed to {0} topics (what other nodes published since {1}"
                            + " did not reach this node)",
                    topicCount,
                    since);
        }
        if (!publisherDown && !subscriberDown) {
            since = null;
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
