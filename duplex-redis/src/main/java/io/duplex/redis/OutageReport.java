package io.duplex.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What was lost while Redis was unreachable or lagging, told in the log when it is back: how
 * long, how many publishes (to how many topics) did not reach the other nodes, how many topics were
 * resubscribed. An outage starts when either connection (publish, subscribe) drops and ends when
 * both are back; a lag episode starts with a publish refused while connected and ends with the
 * next one Redis answers.
 *
 * <p>Threading: safe from any thread; the per-publish paths are lock-free unless they log.
 */
final class OutageReport {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());
    /** Distinct topic names kept per outage; beyond it the report says "at least". */
    private static final int MAX_TOPICS = 10_000;

    private static final long LAG_REMINDER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LongAdder dropped = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final LongAdder lagDropped = new LongAdder();
    private final LongAdder missedUnlogged = new LongAdder();
    private volatile long missedLogged = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
    private volatile long lagSince;
    private volatile long lagLogged;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private Instant since;
    private boolean publisherDown;
    private boolean subscriberDown;

    /**
     * A publish that was not relayed because the publish connection was down; {@code unanswered}:
     * it had been sent, and the connection dropped before Redis answered (it may have gone out).
     */
    void dropped(String topic, boolean unanswered) {
        dropped.increment();
        if (unanswered) {
            this.unanswered.increment();
        }
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
            long unsure = unanswered.sumThenReset();
            int lostTopics = topics.size();
            topics.clear();
            String took = seconds(Duration.between(since, Instant.now()));
            if (lost == 0) {
                LOG.log(Level.INFO, "Redis unreachable since {0} ({1} s); no publish was lost", since, took);
            } else {
                LOG.log(
                        Level.WARNING,
                        "Redis unreachable since {0} ({1} s); {2} (to {3}{4}) {5} not relayed to other nodes{6}",
                        since,
                        took,
                        count(lost, "publish", "publishes"),
                        lostTopics >= MAX_TOPICS ? "at least " : "",
                        count(lostTopics, "topic", "topics"),
                        lost == 1 ? "was" : "were",
                        unsure == 0
                                ? ""
                                : " (" + unsure + " of them had been sent when the connection dropped, unanswered:"
                                        + " they may have reached some nodes)");
            }
        } else if (!publisher && subscriberDown) {
            subscriberDown = false;
            LOG.log(
                    Level.WARNING,
                    "Redis connection restored; resubscribed to {0} (what other nodes published since {1} did not"
                            + " reach this node)",
                    count(topicCount, "topic", "topics"),
                    since);
        }
        if (!publisherDown && !subscriberDown) {
            since = null;
        }
    }

    /**
     * A publish not relayed although connected: Redis is lagging ({@code reason} null) or refused
     * it. The first one of an episode is logged at once, then a reminder at most every 10 s.
     */
    void notRelayed(String reason) {
        lagDropped.increment();
        long now = System.nanoTime();
        if (lagSince == 0 || now - lagLogged >= LAG_REMINDER_NANOS) {
            synchronized (this) {
                if (lagSince == 0) {
                    lagSince = now;
                    lagLogged = now;
                    LOG.log(
                            Level.WARNING,
                            "Redis is not keeping up ({0}); publishes reach this node''s subscribers only, until"
                                    + " it answers",
                            reason);
                } else if (now - lagLogged >= LAG_REMINDER_NANOS) {
                    lagLogged = now;
                    LOG.log(
                            Level.WARNING,
                            "Redis still not keeping up ({0}); {1} not relayed so far",
                            reason,
                            count(lagDropped.sum(), "publish", "publishes"));
                }
            }
        }
    }

    /**
     * Publications of other nodes this node is now known to have missed ({@link PublishSequences}):
     * logged at once, then at most once a second with what came since, so an outage's losses
     * are one or a few lines however many topics they span.
     */
    void missed(long n) {
        missedUnlogged.add(n);
        long now = System.nanoTime();
        if (now - missedLogged < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        synchronized (this) {
            if (now - missedLogged < TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            missedLogged = now;
            long count = missedUnlogged.sumThenReset();
            if (count > 0) {
                LOG.log(
                        Level.WARNING,
                        "{0} from other nodes did not reach this node (gaps in their publish numbers)",
                        count(count, "publication", "publications"));
            }
        }
    }

    /** Redis answered a publish: ends a lag episode, if one is on. */
    void relayed() {
        if (lagSince != 0) {
            synchronized (this) {
                if (lagSince != 0) {
                    long lost = lagDropped.sumThenReset();
                    String took = seconds(Duration.ofNanos(System.nanoTime() - lagSince));
                    lagSince = 0;
                    LOG.log(
                            Level.WARNING,
                            "Redis is keeping up again after {0} s; {1} {2} not relayed to other nodes meanwhile",
                            took,
                            count(lost, "publish", "publishes"),
                            lost == 1 ? "was" : "were");
                }
            }
        }
    }

    /** "1 topic", "42 topics": no grouping separators, so the numbers are easy to grep. */
    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
