package dev.loupe.lm.calibrate;

import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.forward.DecoderForward;
import dev.loupe.lm.weights.Block;
import dev.loupe.lm.weights.Linear;

import java.util.List;
import java.util.function.Predicate;

/**
 * The calibration windows carried through the decoder one block at a time, as GPTQ's and SparseGPT's references
 * calibrate an LLM (IST-DASLab/gptq {@code llama.py llama_sequential}, IST-DASLab/sparsegpt {@code opt_sequential}):
 * the hidden states of every window [windows × T × hidden] stay in memory; for the next block, {@link #observe} runs
 * them through it (its weights decoded, {@link DecoderForward#bindBlock}) and returns its linears' input statistics,
 * the caller may {@link #replace} weights (the block compressed), and {@link #advance} runs the windows through the
 * block as it then is, giving the next block's inputs. Memory: the hidden states, one block of F32 weights and that
 * block's statistics; compute: two passes of each block, where a whole-model pass per block costs blocks².
 * Not thread-safe (one model forward at a time).
 */
public final class BlockSequence {
    private final DecoderForward forward;
    private final List<Block> blocks;
    private final float[][] hidden;
    private final int ctx;
    private int next;
    private boolean bound;
    private long forwardNanos;
    private double accumulateSeconds;

    private BlockSequence(LanguageModel lm, int[][] windows) {
        this.forward = lm.forward();
        this.blocks = lm.weights().blocks();
        this.ctx = windows[0].length;
        this.hidden = new float[windows.length][];
        long t0 = System.nanoTime();
        for (int w = 0; w < windows.length; w++) {
            hidden[w] = forward.embed(windows[w]);
        }
        forwardNanos += System.nanoTime() - t0;
    }

    /**
     * The embedded calibration windows of {@code tokens} ({@link Calibrator#windows}: the same windows
     * {@link Calibrator#collect} runs), before block 0.
     */
    public static BlockSequence start(LanguageModel lm, int[] tokens, CalibrationOptions options) {
        return new BlockSequence(lm, Calibrator.windows(lm, tokens, options));
    }

    /** The model's blocks, in forward order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** The block the windows are in front of: {@link #observe} and {@link #advance} work on it. */
    public int next() {
        return next;
    }

    public int windows() {
        return hidden.length;
    }

    /** Tokens per window. */
    public int context() {
        return ctx;
    }

    /**
     * The input statistics of the next block's linear layers over every window, XᵀX for those {@code gramFor} names
     * (as {@link Calibrator#collect} would give them for this block); the windows stay in front of the block.
     */
    public CalibrationStats observe(Predicate<String> gramFor) {
        return run(gramFor, false);
    }

    /**
     * {@link #observe} and {@link #advance} in one pass, for a caller that leaves the block as it is (one-shot
     * statistics, Wanda's norms): each block runs once, as in the whole-model forward pass.
     */
    public CalibrationStats pass(Predicate<String> gramFor) {
        return run(gramFor, true);
    }

    private CalibrationStats run(Predicate<String> gramFor, boolean inPlace) {
        bind();
        Calibrator c = new Calibrator(new CalibrationOptions(ctx, hidden.length, gramFor));
        float[] x = inPlace ? null : new float[hidden[0].length];
        long t0 = System.nanoTime();
        for (float[] h : hidden) {
            if (!inPlace) {
                System.arraycopy(h, 0, x, 0, h.length);
            }
            c.newWindow();
            forward.block(next, inPlace ? h : x, ctx, c);
        }
        forwardNanos += System.nanoTime() - t0;
        accumulateSeconds += c.accumulateSeconds();
        if (inPlace) {
            moveOn();
        }
        return c.stats(hidden.length, ctx);
    }

    /** The next block's layer {@code l} reads {@code stored} (its stored orientation) from now on, in {@link #advance} too. */
    public void replace(Linear l, float[] stored) {
        if (!blocks.get(next).linears().contains(l)) {
            throw new IllegalArgumentException("'" + l.name() + "' is not a layer of block " + next);
        }
        bind();
        forward.replaceWeight(l, stored);
    }

    /** Runs every window through the next block as it now is (replacements included) and moves on to the block after. */
    public void advance() {
        bind();
        long t0 = System.nanoTime();
        for (float[] h : hidden) {
            forward.block(next, h, ctx, dev.loupe.lm.forward.LinearObserver.NONE);
        }
        forwardNanos += System.nanoTime() - t0;
        moveOn();
    }

    private void moveOn() {
        forward.releaseBlock(next);
        bound = false;
        next++;
    }

    /** Seconds in the model's blocks (embedding included) so far, statistics not counted. */
    public double forwardSeconds() {
        return forwardNanos / 1e9 - accumulateSeconds;
    }

    /** Seconds accumulating the statistics (column norms, XᵀX) so far. */
    public double statisticsSeconds() {
        return accumulateSeconds;
    }

    private void bind() {
        if (next >= blocks.size()) {
            throw new IllegalStateException("every block has been run");
        }
        if (!bound) {
            forward.bindBlock(next);
            bound = true;
        }
    }
}
