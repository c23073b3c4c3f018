package io.duplex.extension;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test scaffolding for the extension SPI. Accepts an offer or response unless it has a parameter
 * {@code reject}; throws on a parameter {@code throw}. Records every extension it creates.
 */
public final class FakeExtensionFactory implements ExtensionFactory {
    private final String name;
    private final int rsv;
    private final List<ExtensionParameters> offers;
    public final List<FakeExtension> created = new ArrayList<>();
    public final List<List<ExtensionParameters>> serverCalls = new ArrayList<>();
    public boolean failOnClose;

    public FakeExtensionFactory(String name, int rsv, ExtensionParameters... offers) {
        this.name = name;
        this.rsv = rsv;
        this.offers = offers.length == 0 ? List.of(ExtensionParameters.of(name)) : List.of(offers);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int rsv() {
        return rsv;
    }

    @Override
    public List<ExtensionParameters> clientOffers() {
        return offers;
    }

    @Override
    public Optional<Extension> clientAccept(ExtensionParameters response) {
        return accept(response);
    }

    @Override
    public Optional<Extension> serverAccept(List<ExtensionParameters> offers) {
        serverCalls.add(offers);
        for (ExtensionParameters offer : offers) {
            Optional<Extension> e = accept(offer);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    private Optional<Extension> accept(ExtensionParameters p) {
        if (!p.all("throw").isEmpty()) {
            throw new IllegalStateException("factory failure");
        }
        if (!p.all("reject").isEmpty()) {
            return Optional.empty();
        }
        FakeExtension e = new FakeExtension(p, rsv, failOnClose);
        created.add(e);
        return Optional.of(e);
    }

    /** An extension that passes payloads through and remembers whether it was closed. */
    public static final class FakeExtension implements Extension {
        private final ExtensionParameters negotiated;
        private final int rsv;
        private final boolean failOnClose;
        public boolean closed;

        FakeExtension(ExtensionParameters negotiated, int rsv, boolean failOnClose) {
            this.negotiated = negotiated;
            this.rsv = rsv;
            this.failOnClose = failOnClose;
        }

        @Override
        public ExtensionParameters negotiated() {
            return negotiated;
        }

        @Override
        public int rsv() {
            return rsv;
        }

        @Override
        public Encoded encode(boolean text, ByteBuffer payload) {
            return new Encoded(payload, 0);
        }

        @Override
        public void decode(ByteBuffer payload, boolean fin, long maxBytes, DecodedSink out) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closed = true;
            if (failOnClose) {
                throw new IllegalStateException("close failure");
            }
        }
    }
}
