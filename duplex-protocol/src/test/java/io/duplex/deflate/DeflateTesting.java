package io.duplex.deflate;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Fixtures shared by the permessage-deflate tests. */
final class DeflateTesting {

    private DeflateTesting() {}

    static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.ofDelimiter(" ").parseHex(hex));
    }

    static String hex(ByteBuffer buffer) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes(buffer));
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Compressible, JSON-like text of exactly {@code length} bytes. */
    static byte[] json(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(length + 64);
        String[] names = {"alice", "bob", "carol", "dave"};
        while (sb.length() < length) {
            sb.append("{\"id\":")
                    .append(random.nextInt(100_000))
                    .append(",\"user\":\"")
                    .append(names[random.nextInt(names.length)])
                    .append("\",\"active\":")
                    .append(random.nextBoolean())
                    .append("},");
        }
        sb.setLength(length);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ExtensionParameters offer(String... params) {
        ExtensionParameters p = ExtensionParameters.of(PerMessageDeflate.NAME);
        for (String param : params) {
            int eq = param.indexOf('=');
            p = eq < 0 ? p.with(param, null) : p.with(param.substring(0, eq), param.substring(eq + 1));
        }
        return p;
    }

    /** A server and a client extension negotiated with the same factory config on both ends. */
    record Pair(DeflateExtension server, DeflateExtension client) implements AutoCloseable {
        static Pair negotiate(DeflateConfig serverConfig, DeflateConfig clientConfig) {
            PerMessageDeflate clientFactory = new PerMessageDeflate(clientConfig);
            DeflateExtension server = (DeflateExtension) new PerMessageDeflate(serverConfig)
                    .serverAccept(clientFactory.clientOffers())
                    .orElseThrow();
            DeflateExtension client = (DeflateExtension)
                    clientFactory.clientAccept(server.negotiated()).orElseThrow();
            return new Pair(server, client);
        }

        static Pair negotiate(DeflateConfig config) {
            return negotiate(config, config);
        }

        @Override
        public void close() {
            server.close();
            client.close();
        }
    }

    /** Decodes a whole message given as payload chunks, with no limit to speak of. */
    static byte[] decode(Extension extension, ByteBuffer... chunks) {
        return decode(extension, Long.MAX_VALUE, chunks);
    }

    static byte[] decode(Extension extension, long maxBytes, ByteBuffer... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.length; i++) {
            extension.decode(
                    chunks[i],
                    i == chunks.length - 1,
                    maxBytes - out.size(),
                    b -> out.write(b.array(), b.arrayOffset() + b.position(), b.remaining()));
        }
        if (chunks.length == 0) {
            extension.decode(
                    ByteBuffer.allocate(0),
                    true,
                    maxBytes,
                    b -> out.write(b.array(), b.arrayOffset() + b.position(), b.remaining()));
        }
        return out.toByteArray();
    }

    /** Inflates a permessage-deflate payload with a plain JDK inflater (an independent check). */
    static byte[] inflate(ByteBuffer payload) throws Exception {
        Inflater inflater = new Inflater(true);
        try {
            byte[] in = bytes(payload);
            byte[] withTail = java.util.Arrays.copyOf(in, in.length + 4);
            withTail[in.length + 2] = (byte) 0xff;
            withTail[in.length + 3] = (byte) 0xff;
            inflater.setInput(withTail);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    /**
     * A pool that counts what is out, so a test can assert every borrowed object came back, and
     * remembers every codec it lent, so a test can see that returned ones were reset or ended.
     */
    static final class CountingPool implements DeflaterPool {
        final DeflaterPool delegate;
        int deflatersOut;
        int inflatersOut;
        int chunksOut;
        int deflatersBorrowed;
        int inflatersBorrowed;

        CountingPool(DeflaterPool delegate) {
            this.delegate = delegate;
        }

        CountingPool() {
            this(DeflaterPool.bounded(2));
        }

        @Override
        public Deflater borrowDeflater() {
            deflatersOut++;
            deflatersBorrowed++;
            return delegate.borrowDeflater();
        }

        @Override
        public void returnDeflater(Deflater deflater) {
            deflatersOut--;
            delegate.returnDeflater(deflater);
        }

        @Override
        public Inflater borrowInflater() {
            inflatersOut++;
            inflatersBorrowed++;
            return delegate.borrowInflater();
        }

        @Override
        public void returnInflater(Inflater inflater) {
            inflatersOut--;
            delegate.returnInflater(inflater);
        }

        @Override
        public ByteBuffer borrowChunk() {
            chunksOut++;
            return delegate.borrowChunk();
        }

        @Override
        public void returnChunk(ByteBuffer chunk) {
            chunksOut--;
            delegate.returnChunk(chunk);
        }

        boolean balanced() {
            return deflatersOut == 0 && inflatersOut == 0 && chunksOut == 0;
        }

        List<Integer> out() {
            return List.of(deflatersOut, inflatersOut, chunksOut);
        }
    }

    /** A budget that counts permits and can be told to refuse. */
    static final class CountingBudget implements ContextTakeoverBudget {
        boolean refuse;
        int acquired;
        int released;

        @Override
        public boolean tryAcquire() {
            if (refuse) {
                return false;
            }
            acquired++;
            return true;
        }

        @Override
        public void release() {
            released++;
        }
    }
}
