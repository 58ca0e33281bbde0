package dev.loupe.runtime.text;

/**
 * The embeddings of a list of sentences and what describes the run: token counts as the model saw them (after
 * truncation, incl. [CLS]/[SEP]), the mean Euclidean norm of the vectors (1 up to rounding: a check that they were
 * normalized) and the wall time of the forward passes.
 *
 * @param vectors    one unit-length row per sentence, [sentences][dimension]
 * @param meanTokens mean token count per sentence
 * @param maxTokens  largest token count of a sentence
 * @param meanNorm   mean L2 norm of the rows, summed in double
 * @param seconds    wall time of the embedding (tokenizing and ONNX Runtime runs)
 */
public record SentenceEmbeddings(float[][] vectors, double meanTokens, int maxTokens, double meanNorm, double seconds) {
    public int sentences() {
        return vectors.length;
    }

    public int dimension() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }
}
