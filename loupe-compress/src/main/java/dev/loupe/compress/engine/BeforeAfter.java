package dev.loupe.compress.engine;

import dev.loupe.compress.result.EvalResult;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.Evaluation;
import dev.loupe.runtime.OnnxModel;
import dev.loupe.runtime.text.SentenceEmbedder;
import dev.loupe.runtime.text.WordPieceTokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs the original and the compressed ONNX model on the same data in ONNX Runtime (loupe-runtime):
 * accuracy and mean cross-entropy for a classifier, mean cosine of the embeddings for an encoder.
 */
final class BeforeAfter {
    private BeforeAfter() {
    }

    static EvalResult of(Path original, Path compressed, EvalData data) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (data.data() != null) {
            if (data.labels() == null) {
                throw new LoupeException(data.data(), "evaluating a classifier needs --labels");
            }
            Dataset d = Datasets.read(data.data(), data.labels());
            Evaluation b;
            Evaluation a;
            try (OnnxModel m = OnnxModel.open(original, threads)) {
                b = m.evaluate(d, 256);
            }
            try (OnnxModel m = OnnxModel.open(compressed, threads)) {
                a = m.evaluate(d, 256);
            }
            return new EvalResult("classifier", d.rows(), b.accuracy(), a.accuracy(), b.meanCrossEntropy(),
                    a.meanCrossEntropy(), Double.NaN);
        }
        Path tok = data.tokenizer() != null ? data.tokenizer() : BundledModels.miniLmTokenizer();
        WordPieceTokenizer t = WordPieceTokenizer.load(tok, SentenceEmbedder.MINILM_MAX_LENGTH);
        List<String> sentences = data.sentences();
        float[][] b;
        float[][] a;
        try (OnnxModel m = OnnxModel.open(original, threads)) {
            b = new SentenceEmbedder(m, t).embed(sentences);
        }
        try (OnnxModel m = OnnxModel.open(compressed, threads)) {
            a = new SentenceEmbedder(m, t).embed(sentences);
        }
        double sum = 0;
        for (int i = 0; i < b.length; i++) {
            double dot = 0;
            for (int j = 0; j < b[i].length; j++) {
                dot += (double) b[i][j] * a[i][j]; // both unit length
            }
            sum += dot;
        }
        return new EvalResult("encoder", b.length, Double.NaN, Double.NaN, Double.NaN, Double.NaN, sum / b.length);
    }
}
