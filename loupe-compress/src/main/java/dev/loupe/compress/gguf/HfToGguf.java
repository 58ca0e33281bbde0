package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.gguf.GgufMetadata;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.format.gguf.GgufValues;
import dev.loupe.core.format.gguf.GgufWriter;
import dev.loupe.core.format.sentencepiece.SentencePieceModel;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.config.Architecture;
import dev.loupe.lm.config.HfConfigReader;
import dev.loupe.lm.config.LmConfig;
import dev.loupe.lm.config.RopeScaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Hugging Face decoder LM folder (config.json, safetensors, tokenizer.json) as a GGUF file llama.cpp runs, with
 * the names, layouts and metadata of llama.cpp's convert_hf_to_gguf.py (gguf-py tensor_mapping.py / constants.py):
 * LLaMA's q/k rows permuted from rotate-half to adjacent-pair rotary order ({@code LlamaModel.permute}), GPT-2's
 * Conv1D weights transposed, llama3 rope scaling as {@code rope_freqs.weight}. Tensors are converted one at a
 * time while the file is written, so memory holds one tensor, not the model.
 */
public final class HfToGguf {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was written. */
    /**
     * What was written; {@code fallbacks} counts the tensors whose rows are not whole blocks of the intended type
     * (stored as llama.cpp's fallback type, or F32 for the 32-element types as convert_hf_to_gguf.py does).
     */
    public record Result(Path out, GgufFileType type, String architecture, int tensors, long bytes, Map<DType, Integer> storedTypes,
                         int fallbacks) {
    }

    /** One GGUF tensor: its name, the source tensor and how its rows are rearranged. */
    private record Plan(String name, String source, Layout layout) {
    }

    private enum Layout { AS_IS, PERMUTE_Q, PERMUTE_K, TRANSPOSE, ROPE_FREQS }

    private HfToGguf() {
    }

    public static Result convert(Path dir, Path out, GgufFileType type, Progress progress) {
        return convert(dir, out, GgufOptions.of(type), progress);
    }

    /**
     * Writes {@code dir} as GGUF with the options' types: per tensor an override if given (falling back as llama.cpp
     * does for rows that are not whole blocks), else {@link LlamaQuantRules}; each row quantized with its tensor's
     * importances (one per column) when given.
     */
    public static Result convert(Path dir, Path out, GgufOptions options, Progress progress) {
        return convert(dir, out, options, null, progress);
    }

    /**
     * As above; the weights {@code grid} holds (null: none) are stored as its type's blocks exactly as its quantizer
     * chose them ({@link GridBlocks}), their rows arranged like the values (q/k permutation, GPT-2's transpose).
     */
    public static Result convert(Path dir, Path out, GgufOptions options, GridWeights grid, Progress progress) {
        GgufFileType type = options.type();
        requireFolder(dir);
        LmConfig cfg = HfConfigReader.read(dir);
        JsonNode config = json(dir.resolve("config.json"), true);
        JsonNode tokCfg = json(dir.resolve("tokenizer_config.json"), false);
        Map<String, GgufValue> vocab = vocab(dir, cfg, config, tokCfg);
        try (Checkpoint cp = Checkpoints.open(dir)) {
            Map<String, Tensor> byName = cp.tensors().stream().collect(Collectors.toMap(Tensor::name, t -> t, (a, b) -> a));
            List<Plan> plans = plans(cfg, byName);
            boolean tied = plans.stream().noneMatch(p -> p.name().equals("output.weight"));
            List<GgufWriter.Entry> entries = new ArrayList<>();
            Map<DType, Integer> counts = new EnumMap<>(DType.class);
            int fallbacks = 0;
            for (Plan p : plans) {
                Tensor src = byName.get(p.source());
                if (p.layout() != Layout.ROPE_FREQS && src == null) {
                    throw new LoupeException(dir, "tensor '" + p.source() + "' is missing (needed for GGUF '" + p.name() + "')");
                }
                long[] shape = p.layout() == Layout.ROPE_FREQS ? new long[]{cfg.headDim() / 2}
                        : p.layout() == Layout.TRANSPOSE ? new long[]{src.shape()[1], src.shape()[0]} : src.shape();
                boolean onGrid = grid != null && grid.has(p.source());
                int cols = (int) shape[shape.length - 1];
                if (onGrid && cols % 32 != 0) {
                    throw new LoupeException(dir, "tensor '" + p.source() + "' has rows of " + cols + ", not whole 32-element "
                            + grid.type() + " blocks; its quantized codes have no GGUF form");
                }
                DType stored = onGrid ? grid.type().weightType() : options.typeOf(p.name(), shape, cfg.layers(), tied);
                fallbacks += !onGrid && options.fellBack(p.name(), shape, cfg.layers(), tied) ? 1 : 0;
                float[] importance = stored.isQuantized() ? options.importanceOf(p.name(), p.source()) : null;
                counts.merge(stored, 1, Integer::sum);
                entries.add(GgufWriter.Entry.ofShape(p.name(), stored, shape, o -> {
                    if (onGrid) {
                        var sc = grid.scales(p.source());
                        GridBlocks.writeRows(o, stored, arrange(p, grid.values(p.source()), src.shape(), cfg), cols,
                                arrangeScales(p, sc.scales(), (sc.cols() + sc.group() - 1) / sc.group(), cfg), sc.group());
                    } else {
                        GgmlQuantizer.writeRows(o, stored, values(p, src, cfg), cols, importance);
                    }
                    progress.advance(1);
                }));
            }
            GgufMetadata meta = metadata(dir, cfg, config, type, vocab);
            progress.start("writing " + type + " GGUF", entries.size());
            GgufWriter.write(out, meta, entries);
            progress.done();
            return new Result(out, type, cfg.architecture().ggufName(), entries.size(),
                    entries.stream().mapToLong(GgufWriter.Entry::byteSize).sum(), counts, fallbacks);
        }
    }

    /**
     * The vocabulary keys: a LLaMA folder's SentencePiece {@code tokenizer.model} when it has one (convert_hf_to_gguf.py's
     * {@code LlamaModel.set_vocab} tries it first), else the byte-level BPE {@code tokenizer.json}.
     */
    private static Map<String, GgufValue> vocab(Path dir, LmConfig cfg, JsonNode config, JsonNode tokCfg) {
        Path spFile = dir.resolve("tokenizer.model");
        Path tokFile = dir.resolve("tokenizer.json");
        if (cfg.architecture().ggufName().equals("llama") && Files.isRegularFile(spFile)) {
            return SpmVocab.metadata(SentencePieceModel.read(spFile), cfg.vocabSize(), config, tokCfg,
                    json(dir.resolve("added_tokens.json"), false));
        }
        if (!Files.isRegularFile(tokFile)) {
            throw new LoupeException(dir, "has no tokenizer.json" + (cfg.architecture().ggufName().equals("llama")
                    ? " or SentencePiece tokenizer.model" : "") + " (GGUF output needs the model's vocabulary)");
        }
        int eos = config.path("eos_token_id").isInt() ? config.get("eos_token_id").asInt() : -1;
        boolean addBos = tokCfg != null && tokCfg.path("add_bos_token").asBoolean(false);
        return HfVocab.metadata(tokFile, json(tokFile, true), cfg.vocabSize(), cfg.bosId(), eos, addBos);
    }

    /** Refuses, with one line, what is not a Hugging Face decoder folder (an ONNX classifier, a file). */
    public static void requireFolder(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve("config.json"))) {
            throw new LoupeException(dir, "GGUF output needs a Hugging Face LLaMA, Qwen2 or GPT-2 folder (config.json, "
                    + "*.safetensors, tokenizer.json) or a .gguf; this is not a supported GGUF architecture");
        }
    }

    /** Tensors in convert_hf_to_gguf.py's order with gguf-py's names. */
    private static List<Plan> plans(LmConfig c, Map<String, Tensor> byName) {
        List<Plan> out = new ArrayList<>();
        if (c.architecture() == Architecture.GPT2) {
            String p = byName.containsKey("transformer.wte.weight") ? "transformer." : "";
            out.add(new Plan("token_embd.weight", p + "wte.weight", Layout.AS_IS));
            out.add(new Plan("position_embd.weight", p + "wpe.weight", Layout.AS_IS));
            for (int i = 0; i < c.layers(); i++) {
                String h = p + "h." + i + ".";
                String b = "blk." + i + ".";
                String[][] m = {{"attn_norm", "ln_1"}, {"attn_qkv", "attn.c_attn"}, {"attn_output", "attn.c_proj"},
                        {"ffn_norm", "ln_2"}, {"ffn_up", "mlp.c_fc"}, {"ffn_down", "mlp.c_proj"}};
                for (String[] g : m) {
                    boolean conv1d = !g[0].endsWith("_norm");
                    out.add(new Plan(b + g[0] + ".weight", h + g[1] + ".weight", conv1d ? Layout.TRANSPOSE : Layout.AS_IS));
                    out.add(new Plan(b + g[0] + ".bias", h + g[1] + ".bias", Layout.AS_IS));
                }
            }
            out.add(new Plan("output_norm.weight", p + "ln_f.weight", Layout.AS_IS));
            out.add(new Plan("output_norm.bias", p + "ln_f.bias", Layout.AS_IS));
            return out;
        }
        boolean llama = c.architecture() != Architecture.QWEN2;
        out.add(new Plan("token_embd.weight", "model.embed_tokens.weight", Layout.AS_IS));
        for (int i = 0; i < c.layers(); i++) {
            String h = "model.layers." + i + ".";
            String b = "blk." + i + ".";
            out.add(new Plan(b + "attn_norm.weight", h + "input_layernorm.weight", Layout.AS_IS));
            out.add(new Plan(b + "attn_q.weight", h + "self_attn.q_proj.weight", llama ? Layout.PERMUTE_Q : Layout.AS_IS));
            out.add(new Plan(b + "attn_k.weight", h + "self_attn.k_proj.weight", llama ? Layout.PERMUTE_K : Layout.AS_IS));
            out.add(new Plan(b + "attn_v.weight", h + "self_attn.v_proj.weight", Layout.AS_IS));
            for (String qkv : new String[]{"q", "k", "v"}) {
                if (byName.containsKey(h + "self_attn." + qkv + "_proj.bias")) {
                    // qwen2's biases follow NEOX rope order as stored; LLaMA's optional ones would need the permutation.
                    Layout l = !llama ? Layout.AS_IS : qkv.equals("q") ? Layout.PERMUTE_Q : qkv.equals("k") ? Layout.PERMUTE_K : Layout.AS_IS;
                    out.add(new Plan(b + "attn_" + qkv + ".bias", h + "self_attn." + qkv + "_proj.bias", l));
                }
            }
            out.add(new Plan(b + "attn_output.weight", h + "self_attn.o_proj.weight", Layout.AS_IS));
            out.add(new Plan(b + "ffn_norm.weight", h + "post_attention_layernorm.weight", Layout.AS_IS));
            out.add(new Plan(b + "ffn_gate.weight", h + "mlp.gate_proj.weight", Layout.AS_IS));
            out.add(new Plan(b + "ffn_up.weight", h + "mlp.up_proj.weight", Layout.AS_IS));
            out.add(new Plan(b + "ffn_down.weight", h + "mlp.down_proj.weight", Layout.AS_IS));
        }
        out.add(new Plan("output_norm.weight", "model.norm.weight", Layout.AS_IS));
        if (!c.tiedEmbeddings()) {
            out.add(new Plan("output.weight", "lm_head.weight", Layout.AS_IS));
        }
        if (c.ropeScaling() != null) {
            out.add(new Plan("rope_freqs.weight", null, Layout.ROPE_FREQS));
        }
        return out;
    }

    /** The tensor's values in GGUF's row order. */
    private static float[] values(Plan p, Tensor src, LmConfig c) {
        return p.layout() == Layout.ROPE_FREQS ? ropeFreqFactors(c) : arrange(p, src.toFloats(), src.shape(), c);
    }

    /** Source values {@code w} of stored shape {@code shape} in GGUF's row order. */
    private static float[] arrange(Plan p, float[] w, long[] shape, LmConfig c) {
        return switch (p.layout()) {
            case AS_IS -> w;
            case PERMUTE_Q -> permute(w, shape.length == 1 ? 1 : (int) shape[1], c.heads());
            case PERMUTE_K -> permute(w, shape.length == 1 ? 1 : (int) shape[1], c.kvHeads());
            case TRANSPOSE -> transpose(w, (int) shape[0], (int) shape[1]);
            case ROPE_FREQS -> throw new IllegalArgumentException("rope_freqs has no source values");
        };
    }

    /**
     * A weight's [out, groups] scales in GGUF's row order: rows move with the q/k permutation; GPT-2's scales are
     * already over the [out, in] matrix that the transpose produces.
     */
    private static float[] arrangeScales(Plan p, float[] scales, int groups, LmConfig c) {
        return switch (p.layout()) {
            case PERMUTE_Q -> permute(scales, groups, c.heads());
            case PERMUTE_K -> permute(scales, groups, c.kvHeads());
            default -> scales;
        };
    }

    /**
     * convert_hf_to_gguf.py {@code LlamaModel.permute}: within each head, row t*half + i (rotate-half order) moves
     * to row 2i + t (adjacent pairs, llama.cpp's NORM rope).
     */
    static float[] permute(float[] w, int cols, int heads) {
        int rows = w.length / cols;
        int perHead = rows / heads;
        int half = perHead / 2;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < 2; t++) {
                for (int i = 0; i < half; i++) {
                    System.arraycopy(w, (h * perHead + t * half + i) * cols, out, (h * perHead + 2 * i + t) * cols, cols);
                }
            }
        }
        return out;
    }

    /** GPT-2's Conv1D stores [in, out]; llama.cpp wants [out, in]. */
    private static float[] transpose(float[] w, int rows, int cols) {
        float[] out = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                out[k * rows + r] = w[r * cols + k];
            }
        }
        return out;
    }

    /**
     * convert_hf_to_gguf.py {@code LlamaModel.generate_extra_tensors}: per rotary pair, the divisor llama.cpp
     * applies to the base frequency theta^(-2i/d) for llama3 scaling: 1 at short wavelengths, factor at long ones,
     * 1 / ((1 - s) / factor + s) in between.
     */
    static float[] ropeFreqFactors(LmConfig c) {
        RopeScaling rs = c.ropeScaling();
        int dim = c.headDim();
        float[] out = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            // float32 as torch computes 1.0 / (theta ** (arange(0, dim, 2, float32) / dim)) there
            float freq = 1.0f / (float) Math.pow(c.ropeTheta(), (float) (2 * i) / dim);
            double wavelen = 2 * Math.PI / freq;
            double lowWavelen = rs.originalMaxPositions() / rs.lowFreqFactor();
            double highWavelen = rs.originalMaxPositions() / rs.highFreqFactor();
            if (wavelen < highWavelen) {
                out[i] = 1;
            } else if (wavelen > lowWavelen) {
                out[i] = (float) rs.factor();
            } else {
                double s = (rs.originalMaxPositions() / wavelen - rs.lowFreqFactor()) / (rs.highFreqFactor() - rs.lowFreqFactor());
                out[i] = (float) (1 / ((1 - s) / rs.factor() + s));
            }
        }
        return out;
    }

    /** general.* and the architecture's hyper-parameters, as gguf_metadata in fixtures/lm/make_lm_fixtures.py. */
    private static GgufMetadata metadata(Path dir, LmConfig c, JsonNode config, GgufFileType type, Map<String, GgufValue> vocab) {
        String arch = c.architecture().ggufName();
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValues.str(arch));
        kv.put("general.type", GgufValues.str("model"));
        Path name = dir.toAbsolutePath().normalize().getFileName();
        kv.put("general.name", GgufValues.str(name == null ? arch : name.toString()));
        kv.put(arch + ".block_count", GgufValues.u32(c.layers()));
        kv.put(arch + ".context_length", GgufValues.u32(c.maxPositions()));
        kv.put(arch + ".embedding_length", GgufValues.u32(c.hiddenSize()));
        kv.put(arch + ".feed_forward_length", GgufValues.u32(c.intermediateSize()));
        kv.put(arch + ".attention.head_count", GgufValues.u32(c.heads()));
        if (c.architecture() == Architecture.GPT2) {
            kv.put("gpt2.attention.layer_norm_epsilon", GgufValues.f32(c.normEps()));
        } else {
            kv.put(arch + ".attention.head_count_kv", GgufValues.u32(c.kvHeads()));
            kv.put(arch + ".rope.freq_base", GgufValues.f32(c.ropeTheta()));
            kv.put(arch + ".attention.layer_norm_rms_epsilon", GgufValues.f32(c.normEps()));
            if (arch.equals("llama")) {
                kv.put("llama.vocab_size", GgufValues.u32(c.vocabSize()));
                kv.put("llama.rope.dimension_count", GgufValues.u32(c.headDim()));
            }
        }
        kv.put("general.file_type", GgufValues.u32(type.ftype()));
        kv.put("general.quantization_version", GgufValues.u32(2));
        kv.putAll(vocab);
        return new GgufMetadata(kv);
    }

    private static JsonNode json(Path file, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new LoupeException(file, "missing (GGUF output needs the model's " + file.getFileName() + ")");
            }
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new LoupeException(file, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
