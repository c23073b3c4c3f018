package io.duplex;

import java.util.List;
import java.util.Objects;

/**
 * A page of history and where the topic stands.
 *
 * @param publications in the order asked for (oldest or newest first), consecutive offsets
 * @param latest the topic's newest position (offset 0 when nothing was published in this epoch)
 *     <p>Threading: immutable.
 */
public record HistoryPage(List<Publication> publications, Position latest) {
    public HistoryPage {
        publications = List.copyOf(publications);
        Objects.requireNonNull(latest, "latest");
    }
}
