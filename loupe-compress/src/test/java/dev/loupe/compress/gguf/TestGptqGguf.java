package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.CompressRequest;
import dev.loupe.compress.engine.CompressRun;
import dev.loupe.compress.engine.GptqGguf;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import dev.loupe.lm.config.HfConfigReader;
import dev.loupe.lm.config.LmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code compress fixtures/lm/llama --method gptq --bits 4 --calibration ... --out x.gguf}: every GPTQ weight in the GGUF
 * dequantizes (Loupe's GGUF reader, ggml's arithmetic) to exactly the weights GPTQ chose (the same run written as
 * Loupe's quantized safetensors), and Loupe's perplexity of the file is within 0.1 % of stock llama.cpp's on it
 * (stored peer output, node-llama-cpp 3.21.1).
 */
class TestGptqGguf {
    @TempDir
    Path dir;

    private static Path lm(String name) {
        return Fixtures.dir().resolve("lm").resolve(name);
    }

    private GptqGguf.Request request(Path out, int bits, Integer group) {
        return new GptqGguf.Request(lm("llama"), out, bits, group, false, lm("calibration.txt"), null, 128);
    }

    @Test
    void theGgufHoldsExactlyGptqsWeightsAndLlamaCppAgrees() throws IOException {
        Path gguf = dir.resolve("llama-gptq4.gguf");
        GptqGguf.Result r = GptqGguf.run(request(gguf, 4, null), Progress.NONE);
        assertEquals(14, r.gptq().layers().size());
        // the same GPTQ run as Loupe's own quantized safetensors
        Path st = dir.resolve("llama-gptq4.safetensors");
        CompressRun.run(new CompressRequest(lm("llama"),
                new CompressRequest.Quantize(4, Method.GPTQ, AllocationMethod.UNIFORM, 32, false, 0, false, 0, false, true), null,
                new CompressRequest.Data(null, false, 128, null, new CompressRequest.LmCalibration(lm("calibration.txt"), null)),
                null, CompressRequest.Destination.file(st)), Backends.best());
        LmConfig cfg = HfConfigReader.read(lm("llama"));
        Map<String, String> ggufName = Map.of("self_attn.q_proj", "attn_q", "self_attn.k_proj", "attn_k", "self_attn.v_proj", "attn_v",
                "self_attn.o_proj", "attn_output", "mlp.gate_proj", "ffn_gate", "mlp.up_proj", "ffn_up", "mlp.down_proj", "ffn_down");
        try (Checkpoint chosen = Checkpoints.open(st); Checkpoint stored = Checkpoints.open(gguf)) {
            Map<String, Tensor> byName = stored.tensors().stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
            List<String> names = LoupeQuantized.quantizedNames(chosen);
            assertEquals(14, names.size());
            for (String n : names) {
                String[] p = n.split("\\.");  // model.layers.I.self_attn.q_proj.weight
                String kind = p[3] + "." + p[4];
                Tensor t = byName.get("blk." + p[2] + "." + ggufName.get(kind) + ".weight");
                assertEquals(DType.Q4_0, t.dtype(), n);
                float[] w = LoupeQuantized.dequantize(chosen, n);
                int cols = (int) t.shape()[1];
                float[] want = kind.equals("self_attn.q_proj") ? HfToGguf.permute(w, cols, cfg.heads())
                        : kind.equals("self_attn.k_proj") ? HfToGguf.permute(w, cols, cfg.kvHeads()) : w;
                float[] got = t.toFloats();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), n + " element " + i);
                }
            }
        }
        TestHfToGguf.assertPerplexityMatches(gguf, new ObjectMapper().readTree(
                lm("llama-cpp/loupe-llama-gptq-q4_0-ctx128.json").toFile()), "llama gptq Q4_0");
    }

    @Test
    void widthsAndGroupsWithoutAnExactGgufFormAreOneLine() {
        Path out = dir.resolve("x.gguf");
        for (GptqGguf.Request r : List.of(request(out, 3, null), request(out, 4, 48),
                new GptqGguf.Request(lm("gguf/llama-f32.gguf"), out, 4, null, false, lm("calibration.txt"), null, 128))) {
            LoupeException e = assertThrows(LoupeException.class, () -> GptqGguf.run(r, Progress.NONE));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertFalse(Files.exists(out));
        }
        assertTrue(Files.notExists(out));
    }
}
