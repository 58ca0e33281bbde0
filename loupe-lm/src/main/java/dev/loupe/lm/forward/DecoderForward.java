package dev.loupe.lm.forward;

import dev.loupe.lm.config.Architecture;
import dev.loupe.lm.config.LmConfig;
import dev.loupe.lm.weights.Block;
import dev.loupe.lm.weights.F32Weights;
import dev.loupe.lm.weights.Linear;
import dev.loupe.lm.weights.LmWeights;
import dev.loupe.linalg.openblas.NativeSgemm;

import java.lang.foreign.MemorySegment;

/**
 * One decoder's forward pass over a window of token ids at positions 0..T-1 (no KV cache: perplexity and
 * calibration score whole windows). LLaMA family, as transformers' LlamaDecoderLayer:
 * {@code x += o(attn(rope(q(n1(x))), rope(k(n1(x))), v(n1(x))))}, {@code x += down(silu(gate(n2(x)))·up(n2(x)))};
 * GPT-2 as GPT2Block with LayerNorm, a fused c_attn and tanh-GELU. Not thread-safe (buffers are reused).
 */
public final class DecoderForward {
    private final LmConfig cfg;
    private final LmWeights w;
    private final F32Weights f32;
    private final NativeSgemm blas;
    private final Rope rope;
    private final Attention attention;
    /** BLAS threads for this model's calls: one for small models, whose sgemms are too short to share. */
    private final int threads;
    /**
     * Below this many weights in the largest block matrix every sgemm runs on one thread: splitting a 128x64x160
     * product costs more in thread hand-off than it saves, and on a loaded machine far more (the fixture LMs ran
     * 10x slower on two threads than on one).
     */
    static final long SMALL_MATRIX = 1 << 20;

    public DecoderForward(LmConfig cfg, LmWeights w, F32Weights f32, NativeSgemm blas) {
        this.cfg = cfg;
        this.w = w;
        this.f32 = f32;
        this.blas = blas;
        this.rope = new Rope(cfg, w.ropeFreqFactors() == null ? null : w.ropeFreqFactors().toFloats());
        this.attention = new Attention(blas);
        long largest = (long) cfg.hiddenSize() * Math.max(cfg.intermediateSize(), Math.max(cfg.hiddenSize(), cfg.queryWidth()));
        this.threads = largest < SMALL_MATRIX ? 1 : blas.threads();
    }

    public LmConfig config() {
        return cfg;
    }

    /** The final-normed hidden states [T, hidden] of {@code tokens}; {@code observer} sees every linear input. */
    public float[] hidden(int[] tokens, LinearObserver observer) {
        return withThreads(() -> {
            float[] x = embed(tokens);
            for (int layer = 0; layer < w.blocks().size(); layer++) {
                step(layer, x, tokens.length, observer);
            }
            norm(w.finalNorm(), x, tokens.length, x);
            return x;
        });
    }

    /**
     * The embedding rows of {@code tokens} (plus GPT-2's learned positions 0..T-1): block 0's input [T, hidden], the
     * start of {@link #hidden} for callers that run the blocks one at a time ({@link #block}).
     */
    public float[] embed(int[] tokens) {
        int d = cfg.hiddenSize();
        float[] x = new float[tokens.length * d];
        float[] pos = w.positions() == null ? null : new float[d];
        for (int i = 0; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + cfg.vocabSize());
            }
            F32Weights.row(w.embedding(), id, x, i * d);
            if (pos != null) {
                F32Weights.row(w.positions(), i, pos, 0);
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += pos[j];
                }
            }
        }
        return x;
    }

    /**
     * Runs block {@code layer} on the hidden states {@code x} [t, hidden] of one window (positions 0..t-1) in place,
     * exactly as {@link #hidden} runs it (the same code), with the block's weights as {@link F32Weights} gives them
     * (its bound copies, replacements included, see {@link #bindBlock}).
     */
    public void block(int layer, float[] x, int t, LinearObserver observer) {
        withThreads(() -> {
            step(layer, x, t, observer);
            return null;
        });
    }

    /**
     * Decodes block {@code layer}'s matrices to F32 and keeps them until {@link #releaseBlock}: what a caller that
     * works on one block at a time reads, and where it puts the block's replaced weights ({@link #replaceWeight}).
     */
    public void bindBlock(int layer) {
        f32.bind(w.blocks().get(layer));
    }

    /** The weight of {@code l} (of a bound block) replaced by {@code stored}, in its stored orientation, until released. */
    public void replaceWeight(Linear l, float[] stored) {
        f32.replace(l, stored);
    }

    /** Drops block {@code layer}'s bound copies and replacements. */
    public void releaseBlock(int layer) {
        f32.release(w.blocks().get(layer));
    }

    private <T> T withThreads(java.util.function.Supplier<T> work) {
        int before = blas.threads();
        blas.setThreads(threads);
        try {
            return work.get();
        } finally {
            blas.setThreads(before);
        }
    }

    /** One window's buffers, kept between calls of the same length (a block at a time would otherwise allocate per call). */
    private Scratch scratch;

    private final class Scratch {
        final int t;
        final float[] n;
        final float[] attnOut;
        final float[] proj;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] qkv;
        final float[] up;
        final float[] gate;

        Scratch(int t) {
            this.t = t;
            int d = cfg.hiddenSize();
            boolean gpt2 = cfg.architecture() == Architecture.GPT2;
            n = new float[t * d];
            attnOut = new float[t * cfg.queryWidth()];
            proj = new float[t * d];
            q = gpt2 ? null : new float[t * cfg.queryWidth()];
            k = gpt2 ? null : new float[t * cfg.kvWidth()];
            v = gpt2 ? null : new float[t * cfg.kvWidth()];
            qkv = gpt2 ? new float[t * 3 * d] : null;
            up = new float[t * cfg.intermediateSize()];
            gate = gpt2 ? null : new float[t * cfg.intermediateSize()];
        }
    }

    private void step(int layer, float[] x, int t, LinearObserver observer) {
        if (scratch == null || scratch.t != t) {
            scratch = new Scratch(t);
        }
        Scratch s = scratch;
        int d = cfg.hiddenSize();
        boolean gpt2 = cfg.architecture() == Architecture.GPT2;
        int qw = cfg.queryWidth();
        int kvw = cfg.kvWidth();
        Block b = w.blocks().get(layer);
        int window = cfg.window(layer);
        norm(b.attnNorm(), x, t, s.n);
        if (gpt2) {
            linear(b.qkv(), s.n, t, s.qkv, observer);
            attention.run(new Attention.View(s.qkv, 0, 3 * d), new Attention.View(s.qkv, d, 3 * d), new Attention.View(s.qkv, 2 * d, 3 * d),
                    t, cfg.heads(), cfg.kvHeads(), cfg.headDim(), window, s.attnOut);
        } else {
            linear(b.q(), s.n, t, s.q, observer);
            linear(b.k(), s.n, t, s.k, observer);
            linear(b.v(), s.n, t, s.v, observer);
            rope.apply(s.q, t, cfg.heads(), qw);
            rope.apply(s.k, t, cfg.kvHeads(), kvw);
            attention.run(new Attention.View(s.q, 0, qw), new Attention.View(s.k, 0, kvw), new Attention.View(s.v, 0, kvw),
                    t, cfg.heads(), cfg.kvHeads(), cfg.headDim(), window, s.attnOut);
        }
        linear(b.o(), s.attnOut, t, s.proj, observer);
        Kernels.add(x, s.proj, t * d);
        norm(b.mlpNorm(), x, t, s.n);
        linear(b.up(), s.n, t, s.up, observer);
        if (gpt2) {
            Kernels.geluTanh(s.up, t * cfg.intermediateSize());
        } else {
            linear(b.gate(), s.n, t, s.gate, observer);
            Kernels.swiglu(s.gate, s.up, t * cfg.intermediateSize());
        }
        linear(b.down(), gpt2 ? s.up : s.gate, t, s.proj, observer);
        Kernels.add(x, s.proj, t * d);
    }

    /** Logits [rows, vocab] of hidden rows {@code row0..row0+rows} into {@code out}. */
    public void logits(float[] hidden, int row0, int rows, float[] out) {
        int d = cfg.hiddenSize();
        MemorySegment x = MemorySegment.ofArray(hidden).asSlice(4L * row0 * d);
        int before = blas.threads();
        blas.setThreads(threads);
        try {
            head(x, rows, out);
        } finally {
            blas.setThreads(before);
        }
    }

    private void head(MemorySegment x, int rows, float[] out) {
        Linear head = w.head();
        int d = cfg.hiddenSize();
        blas.sgemm(false, !head.inOut(), rows, head.out(), d, 1f, x, d, f32.matrix(head), head.inOut() ? head.out() : d,
                0f, MemorySegment.ofArray(out), head.out());
        if (head.bias() != null) {
            Kernels.addBias(out, rows, head.out(), f32.vector(head.bias()));
        }
    }

    /** All logits [T, vocab] (for tests and small windows; perplexity works in row chunks). */
    public float[] logits(int[] tokens) {
        float[] h = hidden(tokens, LinearObserver.NONE);
        float[] out = new float[tokens.length * cfg.vocabSize()];
        logits(h, 0, tokens.length, out);
        return out;
    }

    private void norm(dev.loupe.lm.weights.Norm norm, float[] x, int rows, float[] out) {
        float[] g = f32.vector(norm.weight());
        if (cfg.architecture() == Architecture.GPT2) {
            Kernels.layerNorm(x, rows, cfg.hiddenSize(), g, f32.vector(norm.bias()), cfg.normEps(), out);
        } else {
            Kernels.rmsNorm(x, rows, cfg.hiddenSize(), g, cfg.normEps(), out);
        }
    }

    private void linear(Linear l, float[] x, int rows, float[] y, LinearObserver observer) {
        observer.observe(l, x, rows);
        blas.sgemm(false, !l.inOut(), rows, l.out(), l.in(), 1f, MemorySegment.ofArray(x), l.in(), f32.matrix(l),
                l.inOut() ? l.out() : l.in(), 0f, MemorySegment.ofArray(y), l.out());
        if (l.bias() != null) {
            Kernels.addBias(y, rows, l.out(), f32.vector(l.bias()));
        }
    }
}
