package dev.loupe.runtime.text;

import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One decision for tokenizer, pooling and maximum length: the user's option, the model's files, its name, a default. */
class TestEncoderConfig {
    @TempDir
    Path dir;

    @Test
    void bundledMiniLmByPathGetsItsTokenizerMeanPoolingAnd256() {
        Path model = BundledModels.miniLm();
        BundledModels.miniLmTokenizer();
        EncoderConfig c = EncoderConfig.resolve(model, EncoderConfig.Choices.NONE);
        assertEquals(model.resolveSibling(BundledModels.MINILM + "-tokenizer.json"), c.tokenizer());
        assertEquals(Pooling.MEAN, c.pooling());
        assertEquals(256, c.maxTokens()); // sentence-transformers' max_seq_length for all-MiniLM-L6-v2
        assertTrue(c.describe().contains("at most 256 word pieces"), c.describe());
        // its position table has 512 rows (BERT's); more is refused before ONNX Runtime fails on it
        LoupeException e = assertThrows(LoupeException.class,
                () -> EncoderConfig.resolve(model, new EncoderConfig.Choices(null, null, 600)));
        assertTrue(e.getMessage().contains("512 positions"), e.getMessage());
        assertEquals(512, EncoderConfig.resolve(model, new EncoderConfig.Choices(null, Pooling.CLS, 512)).maxTokens());
    }

    @Test
    void aBgeExportIsClsPooledUnlessItsOwnFilesSayOtherwise() throws Exception {
        Path root = Files.createDirectories(dir.resolve("bge-small-en-v1.5"));
        Path model = Files.createDirectories(root.resolve("onnx")).resolve("model.onnx");
        Files.writeString(root.resolve("tokenizer.json"), "{}");
        EncoderConfig c = EncoderConfig.resolve(model, EncoderConfig.Choices.NONE);
        assertEquals(root.resolve("tokenizer.json"), c.tokenizer()); // one folder up, as sentence-transformers exports
        assertEquals(Pooling.CLS, c.pooling());
        assertEquals(512, c.maxTokens());
        Files.createDirectories(root.resolve("1_Pooling"));
        Files.writeString(root.resolve("1_Pooling/config.json"),
                "{\"pooling_mode_cls_token\": false, \"pooling_mode_mean_tokens\": true}");
        Files.writeString(root.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 128, \"do_lower_case\": false}");
        c = EncoderConfig.resolve(model, EncoderConfig.Choices.NONE);
        assertEquals(Pooling.MEAN, c.pooling());
        assertEquals(128, c.maxTokens());
        assertTrue(c.describe().contains("(1_Pooling/config.json)") && c.describe().contains("(sentence_bert_config.json)"),
                c.describe());
        Path other = Files.writeString(dir.resolve("mine.json"), "{}");
        c = EncoderConfig.resolve(model, new EncoderConfig.Choices(other, Pooling.CLS, 64));
        assertEquals(other, c.tokenizer());
        assertEquals(Pooling.CLS, c.pooling());
        assertEquals(64, c.maxTokens());
    }

    @Test
    void aNamedTokenizerBesideTheModelIsFoundAndNoneIsAOneLineError() throws Exception {
        Path model = dir.resolve("encoder.onnx");
        LoupeException e = assertThrows(LoupeException.class, () -> EncoderConfig.resolve(model, EncoderConfig.Choices.NONE));
        assertTrue(e.getMessage().contains("--tokenizer"), e.getMessage());
        Path tok = Files.writeString(dir.resolve("my-encoder-tokenizer.json"), "{}");
        EncoderConfig c = EncoderConfig.resolve(model, EncoderConfig.Choices.NONE);
        assertEquals(tok, c.tokenizer());
        assertEquals(Pooling.MEAN, c.pooling());
        assertEquals(EncoderConfig.BERT_MAX_TOKENS, c.maxTokens());
    }
}
