package dev.loupe.core.format.onnx;

import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real all-MiniLM-L6-v2 models against what the onnx Python package reports for them
 * (expected_minilm.py, output stored with provenance in src/test/resources/onnx/*.expected.tsv).
 */
class TestOnnxReader {

    @Test
    void miniLmMatchesTheOnnxPackage() {
        checkAgainst(BundledModels.miniLm(), ExpectedModel.load("minilm.expected.tsv"));
    }

    @Test
    void quantizedMiniLmMatchesTheOnnxPackage() {
        checkAgainst(BundledModels.miniLmQuantized(), ExpectedModel.load("minilm-q.expected.tsv"));
    }

    @Test
    void weightsAreViewsOfTheMappedFile() {
        try (Checkpoint cp = Checkpoints.open(BundledModels.miniLm())) {
            Tensor emb = cp.tensor("embeddings.word_embeddings.weight").orElseThrow();
            assertEquals(DType.F32, emb.dtype());
            assertArrayEquals(new long[]{30522, 384}, emb.shape());
            assertTrue(emb.storedBytes().isMapped(), "raw_data must be a slice of the mapped file, not a copy");
        }
    }

    @Test
    void graphTellsWhichOpConsumesAWeight() {
        try (Checkpoint cp = Checkpoints.open(BundledModels.miniLm())) {
            Graph g = cp.graph().orElseThrow();
            assertEquals(List.of("Gather"), g.consumersOf("embeddings.word_embeddings.weight").stream().map(Node::opType).toList());
            assertEquals(List.of("MatMul"), g.consumersOf("onnx::MatMul_787").stream().map(Node::opType).toList());
            assertEquals(102, g.initializers().size());
        }
    }

    private static void checkAgainst(Path file, ExpectedModel want) {
        try (Checkpoint cp = Checkpoints.open(file)) {
            assertEquals(CheckpointFormat.ONNX, cp.format());
            Map<String, String> meta = cp.metadata();
            for (String k : List.of("ir_version", "producer_name", "producer_version", "opset_import")) {
                assertEquals(want.model().get(k), meta.get(k), k);
            }
            String props = want.model().get("metadata");
            if (props != null) {
                for (String kv : props.split(";")) {
                    String[] p = kv.split("=", 2);
                    assertEquals(p[1], meta.get(p[0]), p[0]);
                }
            }
            Graph g = cp.graph().orElseThrow();
            List<Node> nodes = g.allNodes();
            assertEquals(Integer.parseInt(want.graph().get("nodes")), nodes.size());
            assertEquals(Integer.parseInt(want.graph().get("initializers")), g.initializers().size());
            assertEquals(want.graph().get("inputs"), String.join(",", g.inputs()));
            assertEquals(want.graph().get("outputs"), String.join(",", g.outputs()));
            Map<String, Integer> ops = new TreeMap<>();
            nodes.forEach(n -> ops.merge(n.opType(), 1, Integer::sum));
            assertEquals(new TreeMap<>(want.ops()), ops);

            List<Tensor> tensors = cp.tensors();
            assertEquals(Integer.parseInt(want.graph().get("count")), tensors.size());
            assertEquals(want.tensors().size(), tensors.size());
            for (int i = 0; i < tensors.size(); i++) {
                checkTensor(want.tensors().get(i), tensors.get(i));
            }
        }
    }

    private static void checkTensor(ExpectedModel.ExpectedTensor want, Tensor t) {
        String n = want.name();
        assertEquals(n, t.name());
        assertEquals(want.dtype(), t.dtype().name(), n);
        assertArrayEquals(want.shape(), t.shape(), n);
        double[] v = t.toDoubles();
        double sum = 0;
        double sq = 0;
        double abs = 0;
        for (double x : v) {
            sum += x;
            sq += x * x;
            abs += Math.abs(x);
        }
        // numpy sums pairwise, we sum in order: equal up to rounding of the summation
        assertEquals(want.sum(), sum, 1e-12 * Math.max(abs, 1), n + " sum");
        assertEquals(want.sumSquares(), sq, 1e-12 * Math.max(sq, 1), n + " sum of squares");
        for (int i = 0; i < want.first().length; i++) {
            assertEquals(Double.parseDouble(want.first()[i]), v[i], 0.0, n + "[" + i + "]");
        }
    }
}
