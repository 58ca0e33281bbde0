package dev.loupe.lm.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.onnx.OnnxReader;
import dev.loupe.core.graph.Graph;
import dev.loupe.lm.CausalLm;
import dev.loupe.lm.config.ConfigHints;
import dev.loupe.lm.config.HfConfigReader;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.HfTokenizer;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A decoder LM exported to ONNX (torch.onnx, Hugging Face Optimum with or without past), run whole-window in ONNX
 * Runtime: each window is one session run with nothing cached ({@link DecoderSignature} says what is fed). The
 * tokenizer is the tokenizer.json beside the model (the rule sentence encoders use), the BOS id and position-table
 * length come from the config.json beside it when there is one (Optimum keeps it), the vocabulary from the logits.
 */
public final class OnnxDecoder implements CausalLm {
    private static final List<String> WEIGHTS = List.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
            "pytorch_model.bin.index.json");
    private static final List<String> EXPORTS = List.of("model.onnx", "decoder_model_merged.onnx", "decoder_with_past_model.onnx",
            "decoder_model.onnx");
    private final Path source;
    private final ModelSession session;
    private final DecoderSignature signature;
    private final HfTokenizer tokenizer;
    private final int vocab;
    private final int bos;
    private final int maxPositions;

    private OnnxDecoder(Path source, ModelSession session, DecoderSignature signature, HfTokenizer tokenizer, ConfigHints hints) {
        this.source = source;
        this.session = session;
        this.signature = signature;
        this.tokenizer = tokenizer;
        this.bos = hints == null ? -1 : hints.bosId();
        this.maxPositions = hints == null ? Integer.MAX_VALUE : hints.maxPositions();
        this.vocab = signature.vocab() > 0 ? signature.vocab() : probeVocab();
        if (tokenizer.maxId() >= vocab) {
            throw new LoupeException(tokenizer.source(), "the tokenizer has ids up to " + tokenizer.maxId()
                    + " but the model's logits cover a vocabulary of " + vocab);
        }
    }

    /** A regular file named *.onnx: what {@link #open} takes. */
    public static boolean isOnnx(Path path) {
        Path n = path.getFileName();
        return n != null && n.toString().toLowerCase(Locale.ROOT).endsWith(".onnx") && Files.isRegularFile(path);
    }

    /**
     * The ONNX decoder in folder {@code dir} when it holds no Hugging Face weights (model.safetensors, pytorch_model.bin
     * or their shard indexes): Optimum's layouts, model.onnx (recent exports, past merged in) or
     * decoder_model_merged.onnx, decoder_with_past_model.onnx, decoder_model.onnx (older ones). Null otherwise.
     */
    public static Path exportIn(Path dir) {
        if (!Files.isDirectory(dir) || WEIGHTS.stream().anyMatch(n -> Files.exists(dir.resolve(n)))) {
            return null;
        }
        return EXPORTS.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** Opens an ONNX decoder; one line (exit 2) when the graph is not one or its tokenizer is missing. */
    public static OnnxDecoder open(Path file, Path tokenizerJson) {
        return open(file, tokenizerJson, true).orElseThrow();
    }

    /**
     * The model as a decoder, or empty when its graph is not one (an encoder, a classifier): lets {@code eval --text}
     * tell a decoder from a sentence encoder by what the graph declares.
     */
    public static Optional<OnnxDecoder> openIfDecoder(Path file, Path tokenizerJson) {
        return open(file, tokenizerJson, false);
    }

    private static Optional<OnnxDecoder> open(Path file, Path tokenizerJson, boolean required) {
        // decided from the graph the file declares, so a model that is not a decoder never costs a session
        Graph g = OnnxReader.graph(file);
        DecoderSignature.Reading r = DecoderSignature.read(g.feeds(), g.results());
        if (r instanceof DecoderSignature.NotDecoder(String why)) {
            if (required) {
                throw new LoupeException(file, why);
            }
            return Optional.empty();
        }
        Path tok = tokenizerJson != null ? tokenizerJson : EncoderConfig.tokenizerBeside(file);
        if (tok == null) {
            throw new LoupeException(file, "no tokenizer.json beside this ONNX decoder (tokenizer.json or "
                    + file.getFileName().toString().replaceFirst("(?i)\\.onnx$", "") + "-tokenizer.json); pass --tokenizer FILE");
        }
        ConfigHints hints = HfConfigReader.hints(file.toAbsolutePath().getParent());
        HfTokenizer t = HfTokenizer.load(tok);
        ModelSession s = null;
        try {
            s = OrtSessions.open(file, SessionSettings.defaults());
            return Optional.of(new OnnxDecoder(file, s, ((DecoderSignature.Found) r).signature(), t, hints));
        } catch (RuntimeException e) {
            t.close();
            if (s != null) {
                s.close();
            }
            throw e;
        }
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int maxPositions() {
        return maxPositions;
    }

    @Override
    public int[] tokenize(String text) {
        return tokenizer.encode(text, true);
    }

    @Override
    public WindowLogits window(int[] ids, LinearObserver observer) {
        if (observer != LinearObserver.NONE) {
            throw new LoupeException(source, "calibration statistics need Loupe's own forward pass (a Hugging Face folder or "
                    + "GGUF); an ONNX graph does not expose its layers' inputs");
        }
        float[] all = run(ids);
        return (row0, rows, out) -> System.arraycopy(all, row0 * vocab, out, 0, rows * vocab);
    }

    /** Logits [T, vocab] of one window. */
    private float[] run(int[] ids) {
        Map<String, OnnxTensor> in = null;
        try {
            in = signature.feed(OrtSessions.environment(), ids);
            try (OrtSession.Result r = session.run(in, Set.of(signature.logits()))) {
                OnnxValue v = r.get(signature.logits()).orElseThrow();
                OnnxTensor t = (OnnxTensor) v;
                long[] shape = t.getInfo().getShape();
                int rowWidth = vocab > 0 ? vocab : (int) shape[2];
                if (shape.length != 3 || shape[0] != 1 || shape[1] != ids.length || shape[2] != rowWidth) {
                    throw new LoupeException(source, "output 'logits' has shape " + java.util.Arrays.toString(shape)
                            + " for a window of " + ids.length + " tokens; expected [1, " + ids.length + ", vocab]");
                }
                float[] out = new float[ids.length * rowWidth];
                if (signature.logitType() == OnnxJavaType.FLOAT16) {
                    ShortBuffer b = t.getShortBuffer();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(b.get(i));
                    }
                } else {
                    FloatBuffer b = t.getFloatBuffer();
                    b.get(out);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new LoupeException(source, "ONNX Runtime: " + e.getMessage(), e);
        } finally {
            if (in != null) {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** The vocabulary when the graph leaves it symbolic: the width of one token's logits. */
    private int probeVocab() {
        float[] one = run(new int[] {Math.max(bos, 0)});
        return one.length;
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            session.close();
        }
    }
}
