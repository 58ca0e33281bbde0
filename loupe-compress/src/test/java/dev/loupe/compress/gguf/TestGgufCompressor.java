package dev.loupe.compress.gguf;

import dev.loupe.compress.CalibrationOrder;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.format.gguf.GgufWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ into a GGUF block by block (the papers' sequential calibration, {@code BlockInputs}): on the two-block fixture
 * LLaMA, block 1 of the sequential file is byte for byte what a one-shot run writes for block 1 of a model whose
 * block 0 already holds the sequential file's block-0 weights (dequantized, stored as F32), an independent whole-model
 * forward pass. Block 0, whose inputs no compressed block precedes, is the same in both orders; block 1 is not.
 */
class TestGgufCompressor {
    private static final Path F32 = Fixtures.dir().resolve("lm/gguf/llama-f32.gguf");

    @TempDir
    Path dir;

    private Path gptq(Path model, String name, CalibrationOrder order) {
        Path out = dir.resolve(name);
        GgufCompressor.Result r = GgufCompressor.run(new GgufCompressor.Request(model, out, GgufFileType.Q4_K_M,
                Fixtures.dir().resolve("lm/calibration.txt"), null, 4, false, new SecondOrder.Gptq(false), order), Progress.NONE);
        assertEquals(14, r.secondOrderTensors());
        return out;
    }

    @Test
    void sequentialBlockOneEqualsOneShotOnAModelHoldingTheQuantizedBlockZero() {
        Path sequential = gptq(F32, "sequential.gguf", CalibrationOrder.SEQUENTIAL);
        Path mixed = dir.resolve("mixed.gguf");
        Map<String, byte[]> quantized = bytes(sequential);
        try (GgufCheckpoint src = new GgufReader().open(F32); GgufCheckpoint q = new GgufReader().open(sequential)) {
            List<GgufWriter.Entry> entries = new ArrayList<>();
            for (Tensor t : src.tensors()) {
                boolean block0 = t.name().startsWith("blk.0.") && t.shape().length == 2;
                byte[] data = block0
                        ? Encode.floats(q.tensor(t.name()).orElseThrow().toFloats(), DType.F32).toArray(ValueLayout.JAVA_BYTE)
                        : t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
                entries.add(GgufWriter.Entry.ofShape(t.name(), t.dtype(), t.shape(), o -> o.write(data)));
            }
            GgufWriter.write(mixed, src.ggufMetadata(), entries);
        }
        Map<String, byte[]> oneShotOnMixed = bytes(gptq(mixed, "one-shot-mixed.gguf", CalibrationOrder.ONE_SHOT));
        Map<String, byte[]> oneShot = bytes(gptq(F32, "one-shot.gguf", CalibrationOrder.ONE_SHOT));
        int block1 = 0;
        int differs = 0;
        for (Map.Entry<String, byte[]> e : quantized.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("blk.1.") && name.endsWith(".weight") && !name.contains("norm")) {
                block1++;
                assertArrayEquals(oneShotOnMixed.get(name), e.getValue(), name);
                differs += java.util.Arrays.equals(oneShot.get(name), e.getValue()) ? 0 : 1;
            } else if (name.startsWith("blk.0.")) {
                assertArrayEquals(oneShot.get(name), e.getValue(), name);
            }
        }
        assertEquals(7, block1);
        assertTrue(differs > 0, "block 1's inputs come through the quantized block 0");
    }

    private static Map<String, byte[]> bytes(Path gguf) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (GgufCheckpoint c = new GgufReader().open(gguf)) {
            for (Tensor t : c.tensors()) {
                out.put(t.name(), t.storedBytes().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }
}
