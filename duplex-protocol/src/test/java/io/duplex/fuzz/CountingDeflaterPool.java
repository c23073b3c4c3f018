package io.duplex.fuzz;

import io.duplex.deflate.DeflaterPool;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A {@link DeflaterPool} that checks the pool contract (invariant 4 in docs/ARCHITECTURE.md): every object lent is
 * given back exactly once, and nothing that was not lent comes back. It lends from a small
 * bounded pool, so codecs are reused and a missing reset shows up as wrong output.
 */
final class CountingDeflaterPool implements DeflaterPool {
    private final DeflaterPool delegate = DeflaterPool.bounded(2);
    private final Set<Object> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private int inflatersOut;
    private int deflatersOut;
    private int chunksOut;

    @Override
    public Deflater borrowDeflater() {
        Deflater d = delegate.borrowDeflater();
        lend(d);
        deflatersOut++;
        return d;
    }

    @Override
    public void returnDeflater(Deflater deflater) {
        giveBack(deflater, "deflater");
        deflatersOut--;
        delegate.returnDeflater(deflater);
    }

    @Override
    public Inflater borrowInflater() {
        Inflater i = delegate.borrowInflater();
        lend(i);
        inflatersOut++;
        return i;
    }

    @Override
    public void returnInflater(Inflater inflater) {
        giveBack(inflater, "inflater");
        inflatersOut--;
        delegate.returnInflater(inflater);
    }

    @Override
    public ByteBuffer borrowChunk() {
        ByteBuffer c = delegate.borrowChunk();
        lend(c);
        chunksOut++;
        return c;
    }

    @Override
    public void returnChunk(ByteBuffer chunk) {
        giveBack(chunk, "chunk");
        chunksOut--;
        delegate.returnChunk(chunk);
    }

    private void lend(Object o) {
        Check.that(lent.add(o), () -> "pool lent an object that is still out");
    }

    private void giveBack(Object o, String what) {
        Check.that(lent.remove(o), () -> what + " returned twice, or never lent");
    }

    int inflatersOut() {
        return inflatersOut;
    }

    int deflatersOut() {
        return deflatersOut;
    }

    int chunksOut() {
        return chunksOut;
    }

    /** Nothing is out: every borrowed codec and chunk came back. */
    void checkAllReturned(String when) {
        Check.that(
                lent.isEmpty(),
                () -> when + ": not returned to the pool: " + inflatersOut + " inflater(s), " + deflatersOut
                        + " deflater(s), " + chunksOut + " chunk(s)");
    }

    @Override
    public void clear() {
        delegate.clear();
    }
}
