package io.duplex.deflate;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A {@link DeflaterPool} keeping a bounded number of idle codecs and chunks (last in, first out, so
 * the warmest is reused); what it cannot keep is ended.
 *
 * <p>Threading: not thread-safe; one pool per event loop.
 */
final class BoundedDeflaterPool implements DeflaterPool {

    private final int maxIdle;
    private final ArrayDeque<Deflater> deflaters = new ArrayDeque<>();
    private final ArrayDeque<Inflater> inflaters = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();

    BoundedDeflaterPool(int maxIdle) {
        if (maxIdle < 0) {
            throw new IllegalArgumentException("maxIdle must not be negative");
        }
        this.maxIdle = maxIdle;
    }

    @Override
    public Deflater borrowDeflater() {
        Deflater d = deflaters.pollLast();
        return d != null ? d : new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }

    @Override
    public void returnDeflater(Deflater deflater) {
        if (deflaters.size() < maxIdle) {
            deflater.reset();
            deflaters.addLast(deflater);
        } else {
            deflater.end();
        }
    }

    @Override
    public Inflater borrowInflater() {
        Inflater i = inflaters.pollLast();
        return i != null ? i : new Inflater(true);
    }

    @Override
    public void returnInflater(Inflater inflater) {
        if (inflaters.size() < maxIdle) {
            inflater.reset();
            inflaters.addLast(inflater);
        } else {
            inflater.end();
        }
    }

    @Override
    public ByteBuffer borrowChunk() {
        ByteBuffer c = chunks.pollLast();
        return c != null ? c : ByteBuffer.allocate(CHUNK_SIZE);
    }

    @Override
    public void returnChunk(ByteBuffer chunk) {
        if (chunks.size() < maxIdle) {
            chunks.addLast(chunk);
        }
    }

    /** Idle deflaters, inflaters and chunks held, for tests and metrics. */
    int idleDeflaters() {
        return deflaters.size();
    }

    int idleInflaters() {
        return inflaters.size();
    }

    int idleChunks() {
        return chunks.size();
    }

    @Override
    public void clear() {
        deflaters.forEach(Deflater::end);
        inflaters.forEach(Inflater::end);
        deflaters.clear();
        inflaters.clear();
        chunks.clear();
    }

    @Override
    public String toString() {
        return "DeflaterPool.bounded(" + maxIdle + ")";
    }
}
