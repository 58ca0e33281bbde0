package dev.loupe.lm.calibrate;

import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.weights.Linear;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Each decoder block's linear-input statistics handed out in block order, to whoever compresses the model as the
 * papers calibrate it (GPTQ's {@code llama_sequential}, SparseGPT's {@code opt_sequential}) over a {@link BlockSequence}:
 * {@link #of} a layer moves the windows up to that layer's block and observes the block once (XᵀX for the layers
 * {@code gramFor} names); {@link #replace} puts a compressed layer of that block in, and moving on to a later block
 * runs the windows through the block as it then is ({@code sequential}), or else through the block as it was, in the
 * pass that observed it (one shot: every statistic from the uncompressed model, what one whole-model pass gives; the
 * caller's choice is loupe-compress's {@code CalibrationOrder}). Only the observed block's statistics are held. A
 * caller may ask layer by layer in any order that does not go back to an earlier block, so a loop over the blocks
 * and a writer pulling one tensor at a time drive it alike. Not thread-safe.
 */
public final class BlockInputs {
    private final BlockSequence seq;
    private final Predicate<String> gramFor;
    private final boolean sequential;
    private final Map<String, Integer> blockOf = new HashMap<>();
    private int observed = -1;
    private CalibrationStats stats;

    private BlockInputs(BlockSequence seq, Predicate<String> gramFor, boolean sequential) {
        this.seq = seq;
        this.gramFor = gramFor;
        this.sequential = sequential;
        for (int k = 0; k < seq.blocks().size(); k++) {
            for (Linear l : seq.blocks().get(k).linears()) {
                blockOf.put(l.name(), k);
            }
        }
    }

    /**
     * The calibration windows of {@code tokens} ({@link Calibrator#windows}) in front of block 0; XᵀX for
     * {@code options.gramFor()}; {@code sequential}: each block's inputs through the blocks before it as replaced.
     */
    public static BlockInputs start(LanguageModel lm, int[] tokens, CalibrationOptions options, boolean sequential) {
        return new BlockInputs(BlockSequence.start(lm, tokens, options), options.gramFor(), sequential);
    }

    /** The decoder block whose linear layer {@code name} is, or -1 (embeddings, the output head, norms). */
    public int blockOf(String name) {
        return blockOf.getOrDefault(name, -1);
    }

    /** The blocks' count. */
    public int blocks() {
        return seq.blocks().size();
    }

    /** Windows and tokens per window. */
    public BlockSequence sequence() {
        return seq;
    }

    /** The statistics of block {@code k}'s linear layers, the windows moved up to it first; refused for a block already passed. */
    public CalibrationStats block(int k) {
        if (k == observed) {
            return stats;
        }
        if (k < observed || k < seq.next()) {
            throw new IllegalStateException("block " + k + " was passed already (at block " + Math.max(observed, seq.next()) + ")");
        }
        stats = null; // one block's XᵀX at a time
        while (seq.next() < k) {
            seq.advance(); // observed in place here (sequential), or a block with nothing asked of it
        }
        stats = sequential ? seq.observe(gramFor) : seq.pass(gramFor);
        observed = k;
        return stats;
    }

    /** The inputs of decoder-block layer {@code name} (null for a layer in no block), its block observed if it was not. */
    public LayerInputs of(String name) {
        int k = blockOf(name);
        return k < 0 ? null : block(k).layers().get(name);
    }

    /**
     * Layer {@code name} of the observed block reads {@code stored} (its stored orientation, as written) from now on:
     * the windows go on through it (sequential); ignored in one-shot order, where they went through as it was.
     */
    public void replace(String name, float[] stored) {
        if (!sequential) {
            return;
        }
        int k = blockOf(name);
        if (k != observed || seq.next() != k) {
            throw new IllegalStateException("'" + name + "' is not a layer of the observed block " + observed);
        }
        for (Linear l : seq.blocks().get(k).linears()) {
            if (l.name().equals(name)) {
                seq.replace(l, stored);
            }
        }
    }

    /** Seconds in the model's blocks so far, statistics not counted ({@link BlockSequence#forwardSeconds}). */
    public double forwardSeconds() {
        return seq.forwardSeconds();
    }

    /** Seconds accumulating the statistics so far. */
    public double statisticsSeconds() {
        return seq.statisticsSeconds();
    }
}
