package dev.loupe.lm.weights;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.config.Architecture;
import dev.loupe.lm.config.LmConfig;
import dev.loupe.lm.weights.TensorLayout.Role;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every tensor a {@link LmConfig} needs in a checkpoint and checks its shape against the config, so that a
 * forward pass never meets a surprise: a missing tensor, a wrong shape or an embedding whose row count is not the
 * vocabulary size is one error naming the file and the tensor.
 */
public final class WeightBinder {
    private final Checkpoint cp;
    private final LmConfig cfg;
    private final TensorLayout layout;
    private final Map<String, Tensor> byName = new HashMap<>();
    private final String prefix;

    private WeightBinder(Checkpoint cp, LmConfig cfg) {
        this.cp = cp;
        this.cfg = cfg;
        cp.tensors().forEach(t -> byName.put(t.name(), t));
        boolean gguf = cp.format() == CheckpointFormat.GGUF;
        layout = gguf ? TensorLayout.GGUF : cfg.architecture() == Architecture.GPT2 ? TensorLayout.HF_GPT2 : TensorLayout.HF_LLAMA;
        prefix = layout == TensorLayout.HF_GPT2 && byName.containsKey("transformer.wte.weight") ? "transformer." : "";
    }

    /** The bound, shape-checked weights. */
    public static LmWeights bind(Checkpoint cp, LmConfig cfg) {
        return new WeightBinder(cp, cfg).bind();
    }

    private LmWeights bind() {
        int d = cfg.hiddenSize();
        Tensor embed = require(Role.EMBED, 0);
        if (embed.rank() != 2 || embed.dim(1) != d) {
            throw shape(embed, "[vocab, " + d + "]");
        }
        if (embed.dim(0) != cfg.vocabSize()) {
            throw new LoupeException(cp.source(), "vocabulary size " + cfg.vocabSize() + " (config) does not match the "
                    + embed.dim(0) + " rows of '" + embed.name() + "'");
        }
        Tensor positions = null;
        if (cfg.architecture() == Architecture.GPT2) {
            positions = require(Role.POSITIONS, 0);
            if (positions.rank() != 2 || positions.dim(1) != d || positions.dim(0) < cfg.maxPositions()) {
                throw shape(positions, "[" + cfg.maxPositions() + ", " + d + "]");
            }
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(cfg.architecture() == Architecture.GPT2 ? gpt2Block(i) : llamaBlock(i));
        }
        Norm finalNorm = norm(Role.FINAL_NORM, 0);
        Tensor head = byName.get(layout.name(Role.HEAD, 0, prefix));
        Linear headLinear = head == null ? new Linear(embed.name(), embed, null, false, d, cfg.vocabSize())
                : linear(Role.HEAD, 0, d, cfg.vocabSize(), false);
        Tensor freqs = layout == TensorLayout.GGUF ? byName.get(layout.name(Role.ROPE_FREQS, 0, prefix)) : null;
        if (freqs != null && freqs.numel() != cfg.headDim() / 2) {
            throw shape(freqs, "[" + cfg.headDim() / 2 + "]");
        }
        return new LmWeights(embed, positions, blocks, finalNorm, headLinear, freqs);
    }

    private Block llamaBlock(int i) {
        int d = cfg.hiddenSize();
        return new Block(norm(Role.ATTN_NORM, i), linear(Role.Q, i, d, cfg.queryWidth(), false),
                linear(Role.K, i, d, cfg.kvWidth(), false), linear(Role.V, i, d, cfg.kvWidth(), false), null,
                linear(Role.O, i, cfg.queryWidth(), d, false), norm(Role.MLP_NORM, i),
                linear(Role.GATE, i, d, cfg.intermediateSize(), false), linear(Role.UP, i, d, cfg.intermediateSize(), false),
                linear(Role.DOWN, i, cfg.intermediateSize(), d, false));
    }

    private Block gpt2Block(int i) {
        int d = cfg.hiddenSize();
        boolean conv1d = layout == TensorLayout.HF_GPT2; // GGUF stores them transposed to [out, in]
        return new Block(norm(Role.ATTN_NORM, i), null, null, null, linear(Role.QKV, i, d, 3 * d, conv1d),
                linear(Role.O, i, d, d, conv1d), norm(Role.MLP_NORM, i), null,
                linear(Role.UP, i, d, cfg.intermediateSize(), conv1d), linear(Role.DOWN, i, cfg.intermediateSize(), d, conv1d));
    }

    private Linear linear(Role role, int layer, int in, int out, boolean inOut) {
        Tensor w = require(role, layer);
        long[] want = inOut ? new long[]{in, out} : new long[]{out, in};
        if (!Arrays.equals(w.shape(), want)) {
            throw shape(w, Arrays.toString(want));
        }
        Tensor b = byName.get(w.name().replaceFirst("weight$", "bias"));
        if (b != null && b.numel() != out) {
            throw shape(b, "[" + out + "]");
        }
        return new Linear(w.name(), w, b, inOut, in, out);
    }

    private Norm norm(Role role, int layer) {
        Tensor w = require(role, layer);
        int d = cfg.hiddenSize();
        if (w.numel() != d) {
            throw shape(w, "[" + d + "]");
        }
        Tensor b = byName.get(w.name().replaceFirst("weight$", "bias"));
        if (cfg.architecture() == Architecture.GPT2 && b == null) {
            throw new LoupeException(cp.source(), "missing tensor '" + w.name().replaceFirst("weight$", "bias") + "'");
        }
        if (b != null && b.numel() != d) {
            throw shape(b, "[" + d + "]");
        }
        return new Norm(w, b);
    }

    private Tensor require(Role role, int layer) {
        String name = layout.name(role, layer, prefix);
        Tensor t = byName.get(name);
        if (t == null) {
            throw new LoupeException(cp.source(), "missing tensor '" + name + "' (" + cfg.architecture().name().toLowerCase(java.util.Locale.ROOT)
                    + " with " + cfg.layers() + " layers)");
        }
        if (t.dtype().kind() != dev.loupe.core.tensor.DType.Kind.FLOAT && !t.dtype().isQuantized()) {
            throw new LoupeException(t.file(), "tensor '" + name + "' is " + t.dtype() + ", not floating point");
        }
        return t;
    }

    private LoupeException shape(Tensor t, String want) {
        Path f = t.file() != null ? t.file() : cp.source();
        return new LoupeException(f, "tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + want);
    }
}
