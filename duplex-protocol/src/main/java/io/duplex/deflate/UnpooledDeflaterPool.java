package io.duplex.deflate;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A {@link DeflaterPool} that keeps nothing: borrowing creates, returning ends.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class UnpooledDeflaterPool implements DeflaterPool {

    static final UnpooledDeflaterPool INSTANCE = new UnpooledDeflaterPool();

    private UnpooledDeflaterPool() {}

    @Override
    public Deflater borrowDeflater() {
        return new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }

    @Override
    public void returnDeflater(Deflater deflater) {
        deflater.end();
    }

    @Override
    public Inflater borrowInflater() {
        return new Inflater(true);
    }

    @Override
    public void returnInflater(Inflater inflater) {
        inflater.end();
    }

    @Override
    public ByteBuffer borrowChunk() {
        return ByteBuffer.allocate(CHUNK_SIZE);
    }

    @Override
    public void returnChunk(ByteBuffer chunk) {
        // Left to the garbage collector.
    }

    @Override
    public String toString() {
        return "DeflaterPool.unpooled()";
    }
}
