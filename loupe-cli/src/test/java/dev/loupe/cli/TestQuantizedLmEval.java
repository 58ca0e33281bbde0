package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.EvalRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code compress <LM folder> --bits 4 --eval}: the perplexity after is computed from Loupe's quantized safetensors
 * layout, dequantized on read by loupe-lm's loader. Checked against an independent route to the same weights: each
 * layer round-to-nearest quantized here in memory, its dequantized floats written as a plain F32 safetensors copy (no
 * code packing, no layout metadata) and evaluated by the same forward pass.
 */
class TestQuantizedLmEval {
    @TempDir
    Path dir;

    @Test
    void perplexityOfTheQuantizedLayoutEqualsThatOfThePlainDequantizedWeights() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path llama = f.resolve("lm/llama");
        Path text = f.resolve("lm/heldout.txt");
        Path out = dir.resolve("q.safetensors");
        CliRun r = CliRun.of("compress", llama.toString(), "--bits", "4", "--eval", "--text", text.toString(), "--out",
                out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode e = new ObjectMapper().readTree(r.out()).get("eval");
        double after = e.get("lossAfter").asDouble();
        assertTrue(after > e.get("lossBefore").asDouble(), e.toString()); // 4 bits cost something

        Path plain = dir.resolve("plain.safetensors");
        List<String> quantized = new ArrayList<>();
        try (Checkpoint src = Checkpoints.open(llama); Checkpoint q = Checkpoints.open(out)) {
            assertTrue(LoupeQuantized.isQuantized(q));
            Map<String, Layer> layers = new HashMap<>();
            LayerFinder.find(src).forEach(l -> layers.put(l.name(), l));
            List<Tensor> tensors = new ArrayList<>();
            for (Tensor t : src.tensors()) {
                Layer l = layers.get(t.name());
                if (l != null && q.metadata().containsKey(LoupeQuantized.LAYER_KEY_PREFIX + t.name())) {
                    float[] d = RoundToNearest.quantize(l.outIn(), l.rows(), l.cols(), new QuantSpec(4, true, 128)).dequantize();
                    tensors.add(Tensor.contiguous(t.name(), t.dtype(), t.shape(), Encode.floats(l.toStored(d), t.dtype()), plain));
                    quantized.add(t.name());
                } else {
                    tensors.add(t);
                }
            }
            SafetensorsWriter.write(plain, tensors, Map.of());
        }
        assertEquals(14, quantized.size(), quantized.toString()); // 2 blocks × 7 projections; embedding and head stay float
        double independent;
        try (LanguageModel lm = LanguageModel.withWeights(llama, plain)) {
            independent = new EvalRequest(text, Convention.SLIDING_WINDOW, null, null).run(lm, LinearObserver.NONE, Progress.NONE).meanNll();
        }
        assertEquals(independent, after, 1e-9);
    }
}
