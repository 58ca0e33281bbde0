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
        int before = blas.threads();
        blas.setThreads(threads);
        try {
            return run(tokens, observer);
        } finally {
            blas.setThreads(before);
        }
    }

    private float[] run(int[] tokens, LinearObserver observer) {
        int t = tokens.length;
        int d = cfg.hiddenSize();
        float[] x = embed(tokens);
        float[] n = new float[t * d];
        boolean gpt2 = cfg.architecture() == Architecture.GPT2;
        int qw = cfg.queryWidth();
        int kvw = cfg.kvWidth();
        float[] attnOut = new float[t * qw];
        float[] proj = new float[t * d];
        float[] q = gpt2 ? null : new float[t * qw];
        float[] k = gpt2 ? null : new float[t * kvw];
        float[] v = gpt2 ? null : new float[t * kvw];
        float[] qkv = gpt2 ? new float[t * 3 * d] : null;
        float[] up = new float[t * cfg.intermediateSize()];
        float[] gate = gpt2 ? null : new float[t * cfg.intermediateSize()];
        for (int layer = 0; layer < w.blocks().size(); layer++) {
            Block b = w.blocks().get(layer);
            int window = cfg.window(layer);
            norm(b.attnNorm(), x, t, n);
            if (gpt2) {
                linear(b.qkv(), n, t, qkv, observer);
                attention.run(new Attention.View(qkv, 0, 3 * d), new Attention.View(qkv, d, 3 * d), new Attention.View(qkv, 2 * d, 3 * d),
                        t, cfg.heads(), cfg.kvHeads(), cfg.headDim(), window, attnOut);
            } else {
                linear(b.q(), n, t, q, observer);
                linear(b.k(), n, t, k, observer);
                linear(b.v(), n, t, v, observer);
                rope.apply(q, t, cfg.heads(), qw);
                rope.apply(k, t, cfg.kvHeads(), kvw);
                attention.run(new Attention.View(q, 0, qw), new Attention.View(k, 0, kvw), new Attention.View(v, 0, kvw),
                        t, cfg.heads(), cfg.kvHeads(), cfg.headDim(), window, attnOut);
            }
            linear(b.o(), attnOut, t, proj, observer);
            Kernels.add(x, proj, t * d);
            norm(b.mlpNorm(), x, t, n);
            linear(b.up(), n, t, up, observer);
            if (gpt2) {
                Kernels.geluTanh(up, t * cfg.intermediateSize());
            } else {
                linear(b.gate(), n, t, gate, observer);
                Kernels.swiglu(gate, up, t * cfg.intermediateSize());
            }
            linear(b.down(), gpt2 ? up : gate, t, proj, observer);
            Kernels.add(x, proj, t * d);
        }
        norm(w.finalNorm(), x, t, x);
        return x;
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

    private float[] embed(int[] tokens) {
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
