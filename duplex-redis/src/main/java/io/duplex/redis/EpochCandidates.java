package io.duplex.redis;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Epochs a node offers Redis for a topic whose meta is missing: a random prefix per engine (72
 * bits, base64url) and a counter, so no two candidates of any node are alike and a new epoch never
 * repeats an old one (a subscriber's position of a lost epoch must never look valid). Redis keeps
 * the candidate only when it starts a new epoch; otherwise it is thrown away.
 *
 * <p>Threading: safe from any thread.
 */
final class EpochCandidates {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    EpochCandidates() {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        prefix = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** 13 to 25 characters of {@code [A-Za-z0-9_-]}. */
    String next() {
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }
}
