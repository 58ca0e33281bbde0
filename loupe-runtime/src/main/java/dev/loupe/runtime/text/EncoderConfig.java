package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How text reaches a sentence encoder, decided in one place for every command ({@code eval --text},
 * {@code compress --text}, {@code landscape}/{@code hessian --text}): the tokenizer, how token states become
 * a sentence vector, and the most word pieces per sentence. Each comes from the user's option, else the
 * model's own files (a sentence-transformers export: {@code tokenizer.json}, {@code 1_Pooling/config.json},
 * {@code sentence_bert_config.json}, beside the ONNX file or one folder up), else what the model is known to
 * use (by its name: {@link Known}), else a stated default; {@link #describe()} says which.
 *
 * @param tokenizer     the tokenizer.json
 * @param pooling       mean or CLS
 * @param maxTokens     most word pieces per sentence, [CLS] and [SEP] included
 * @param tokenizerFrom where the tokenizer came from
 * @param poolingFrom   where the pooling came from
 * @param maxTokensFrom where the maximum length came from
 */
public record EncoderConfig(Path tokenizer, Pooling pooling, int maxTokens, String tokenizerFrom, String poolingFrom,
                            String maxTokensFrom) {
    /** BERT's position table: the most any BERT-style encoder takes when nothing else says. */
    public static final int BERT_MAX_TOKENS = 512;

    /** What the user asked for; null leaves the choice to {@link #resolve}. */
    public record Choices(Path tokenizer, Pooling pooling, Integer maxTokens) {
        public static final Choices NONE = new Choices(null, null, null);

        public Choices {
            if (maxTokens != null && maxTokens < 3) {
                throw new LoupeException("--max-tokens must be at least 3 ([CLS], one word piece, [SEP]), got " + maxTokens);
            }
        }
    }

    /**
     * Encoders recognized by name when their export carries no sentence-transformers config, with what their
     * model cards prescribe: all-MiniLM-L6-v2 mean pooling at 256 word pieces (sentence-transformers
     * max_seq_length; the ONNX Loupe bundles ships without that file), bge [CLS] pooling at 512 (BAAI model
     * card), e5 mean pooling at 512 (intfloat model card).
     */
    enum Known {
        MINILM("all-minilm-l6-v2", Pooling.MEAN, 256),
        BGE("bge-", Pooling.CLS, 512),
        E5("e5-", Pooling.MEAN, 512);

        final String marker;
        final Pooling pooling;
        final int maxTokens;

        Known(String marker, Pooling pooling, int maxTokens) {
            this.marker = marker;
            this.pooling = pooling;
            this.maxTokens = maxTokens;
        }

        /** The known encoder whose name the file, its folder or the one above contains (onnx/ exports), or null. */
        static Known of(Path model) {
            Path p = model.toAbsolutePath();
            for (int up = 0; up < 3 && p != null && p.getFileName() != null; up++, p = p.getParent()) {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                for (Known k : values()) {
                    if (name.contains(k.marker)) {
                        return k;
                    }
                }
            }
            return null;
        }
    }

    /** The configuration for {@code model} given the user's {@code choices}. */
    public static EncoderConfig resolve(Path model, Choices choices) {
        Known known = Known.of(model);
        Path tok;
        String tokFrom;
        if (choices.tokenizer() != null) {
            tok = choices.tokenizer();
            tokFrom = "--tokenizer";
        } else {
            tok = tokenizerBeside(model);
            tokFrom = "beside the model";
            if (tok == null && known == Known.MINILM) {
                tok = BundledModels.miniLmTokenizer();
                tokFrom = "bundled with all-MiniLM-L6-v2";
            }
            if (tok == null) {
                throw new LoupeException(model, "no tokenizer.json beside the model; pass --tokenizer FILE");
            }
        }
        Pooling pooling;
        String poolFrom;
        var declared = choices.pooling() == null ? Pooling.declaredNear(model) : java.util.Optional.<Pooling>empty();
        if (choices.pooling() != null) {
            pooling = choices.pooling();
            poolFrom = "--pooling";
        } else if (declared.isPresent()) {
            pooling = declared.get();
            poolFrom = "1_Pooling/config.json";
        } else if (known != null) {
            pooling = known.pooling;
            poolFrom = "known for " + known.marker.replaceAll("-$", "") + " models";
        } else {
            pooling = Pooling.MEAN;
            poolFrom = "default; no 1_Pooling/config.json beside the model";
        }
        int positions = positionTable(model);
        int max;
        String maxFrom;
        Integer fromConfig = intNear(model, "sentence_bert_config.json", "max_seq_length");
        Integer fromTokenizerConfig = intNear(model, "tokenizer_config.json", "model_max_length");
        if (choices.maxTokens() != null) {
            max = choices.maxTokens();
            maxFrom = "--max-tokens";
            if (positions > 0 && max > positions) {
                throw new LoupeException(model, "has " + positions + " positions; --max-tokens " + max + " exceeds them");
            }
        } else if (fromConfig != null) {
            max = fromConfig;
            maxFrom = "sentence_bert_config.json";
        } else if (known != null) {
            max = known.maxTokens;
            maxFrom = "known for " + known.marker.replaceAll("-$", "") + " models";
        } else if (fromTokenizerConfig != null && fromTokenizerConfig < 1_000_000) {
            max = fromTokenizerConfig;
            maxFrom = "tokenizer_config.json";
        } else if (positions > 0) {
            max = positions;
            maxFrom = "the model's position table";
        } else {
            max = BERT_MAX_TOKENS;
            maxFrom = "default, BERT's position table";
        }
        return new EncoderConfig(tok, pooling, max, tokFrom, poolFrom, maxFrom);
    }

    /** The WordPiece tokenizer, truncating at {@link #maxTokens}. */
    public WordPieceTokenizer wordPiece() {
        return WordPieceTokenizer.load(tokenizer, maxTokens);
    }

    /** One line saying what was chosen and why. */
    public String describe() {
        return "encoder input: tokenizer " + tokenizer + " (" + tokenizerFrom + "), " + pooling.name().toLowerCase(Locale.ROOT)
                + " pooling (" + poolingFrom + "), at most " + maxTokens + " word pieces (" + maxTokensFrom + ")";
    }

    /** A tokenizer.json beside the model: tokenizer.json, MODEL-tokenizer.json, or the only *tokenizer.json there. */
    public static Path tokenizerBeside(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        for (Path d : new Path[] {dir, dir == null ? null : dir.getParent()}) {
            if (d == null) {
                continue;
            }
            for (String name : List.of("tokenizer.json", stem + "-tokenizer.json")) {
                if (Files.isRegularFile(d.resolve(name))) {
                    return d.resolve(name);
                }
            }
            List<Path> any = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*tokenizer.json")) {
                s.forEach(any::add);
            } catch (IOException e) {
                continue; // an unreadable folder holds no tokenizer we could use
            }
            if (any.size() == 1) {
                return any.getFirst();
            }
        }
        return null;
    }

    /** An integer field of a JSON file beside the model (or one folder up), or null. */
    private static Integer intNear(Path model, String file, String field) {
        Path dir = model.toAbsolutePath().getParent();
        for (Path d : new Path[] {dir, dir == null ? null : dir.getParent()}) {
            Path f = d == null ? null : d.resolve(file);
            if (f != null && Files.isRegularFile(f)) {
                try {
                    JsonNode n = new ObjectMapper().readTree(f.toFile()).path(field);
                    return n.canConvertToInt() ? n.asInt() : null;
                } catch (IOException e) {
                    throw new LoupeException(f, "is not JSON: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    /** Rows of the model's position-embedding table (BERT: 512), or -1 when it has none by that name. */
    private static int positionTable(Path model) {
        if (!Files.isRegularFile(model)) {
            return -1;
        }
        try (Checkpoint cp = Checkpoints.open(model)) {
            for (Tensor t : cp.tensors()) {
                if (t.name().contains("position_embeddings") && t.shape().length == 2) {
                    return (int) t.shape()[0];
                }
            }
        }
        return -1;
    }
}
