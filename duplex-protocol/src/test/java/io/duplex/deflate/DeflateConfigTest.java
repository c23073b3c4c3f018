package io.duplex.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class DeflateConfigTest {

    @Test
    void defaultsAreSafe() {
        DeflateConfig c = DeflateConfig.DEFAULT;

        assertThat(c.compressionLevel()).isEqualTo(Deflater.DEFAULT_COMPRESSION);
        assertThat(c.threshold()).isEqualTo(1024);
        assertThat(c.serverContextTakeover()).isFalse();
        assertThat(c.clientContextTakeover()).isFalse();
        assertThat(c.offerClientMaxWindowBits()).isFalse();
        assertThat(c.pool()).isSameAs(DeflaterPool.unpooled());
        assertThat(c.budget()).isSameAs(ContextTakeoverBudget.unlimited());
    }

    @Test
    void toBuilderRoundTrips() {
        DeflaterPool pool = DeflaterPool.bounded(2);
        ContextTakeoverBudget budget = ContextTakeoverBudget.limit(3);
        DeflateConfig c = DeflateConfig.builder()
                .compressionLevel(9)
                .threshold(0)
                .serverContextTakeover(true)
                .clientContextTakeover(false)
                .offerClientMaxWindowBits(true)
                .pool(pool)
                .budget(budget)
                .build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.pool()).isSameAs(pool);
        assertThat(c.budget()).isSameAs(budget);
    }

    @Test
    void withPoolKeepsEverythingElse() {
        PerMessageDeflate factory = new PerMessageDeflate(
                DeflateConfig.builder().compressionLevel(3).build());
        DeflaterPool pool = DeflaterPool.bounded(1);

        PerMessageDeflate perLoop = factory.withPool(pool);

        assertThat(perLoop.config().pool()).isSameAs(pool);
        assertThat(perLoop.config().compressionLevel()).isEqualTo(3);
        assertThat(perLoop.clientOffers()).isEqualTo(factory.clientOffers());
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> DeflateConfig.builder().compressionLevel(-2).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeflateConfig.builder().compressionLevel(10).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeflateConfig.builder().threshold(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeflateConfig.builder().pool(null).build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeflateConfig.builder().budget(null).build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PerMessageDeflate(null)).isInstanceOf(NullPointerException.class);
    }
}
