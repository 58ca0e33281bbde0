package dev.loupe.cli;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.gguf.GgufFixture;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code loupe inspect} end to end on every format: the reference CNN as safetensors, ONNX, PyTorch and
 * as two safetensors shards with an index must give the same alpha per layer; GGUF with Q8_0 and Q4_K
 * matrices (quantized here by the ggml block layouts) gives the float model's alpha within the
 * quantization's effect.
 */
class TestInspectAllFormats {
    static final Path MODELS = Path.of("..", "fixtures", "models");

    @TempDir
    Path dir;

    /** key -> {alpha, log_norm} from {@code loupe inspect --csv}. */
    static Map<String, double[]> inspect(Path file) {
        CliRun r = CliRun.of("inspect", "--csv", "--quiet", "--no-mp-fit", "--no-hash", "--threads", "1", file.toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        List<String> head = List.of(lines[0].split(","));
        int key = head.indexOf("key");
        int alpha = head.indexOf("alpha");
        int logNorm = head.indexOf("log_norm");
        Map<String, double[]> out = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] c = lines[i].split(",");
            out.put(c[key], new double[]{Double.parseDouble(c[alpha]), Double.parseDouble(c[logNorm])});
        }
        return out;
    }

    @Test
    void onnxPyTorchAndShardsAgreeWithSafetensors() throws Exception {
        Map<String, double[]> st = inspect(MODELS.resolve("cnn.safetensors"));
        assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), st.keySet().stream().sorted().toList());
        Path shards = writeShards();
        for (Path p : List.of(MODELS.resolve("cnn.onnx"), MODELS.resolve("cnn.pt"), shards)) {
            Map<String, double[]> other = inspect(p);
            assertEquals(st.keySet(), other.keySet(), p.toString());
            for (String k : st.keySet()) {
                // the same float32 weights: the same ESD, bit for bit up to the reader
                assertEquals(st.get(k)[0], other.get(k)[0], 1e-12, p + " " + k);
                assertEquals(st.get(k)[1], other.get(k)[1], 1e-12, p + " " + k);
            }
        }
    }

    /** cnn.safetensors split into two shards (conv / fc) and a Hugging Face style index. */
    Path writeShards() throws Exception {
        Path d = Files.createDirectories(dir.resolve("sharded"));
        try (Checkpoint cp = Checkpoints.open(MODELS.resolve("cnn.safetensors"))) {
            List<Tensor> a = cp.tensors().stream().filter(t -> t.name().startsWith("conv")).toList();
            List<Tensor> b = cp.tensors().stream().filter(t -> !t.name().startsWith("conv")).toList();
            SafetensorsWriter.write(d.resolve("model-00001-of-00002.safetensors"), a, Map.of("format", "pt"));
            SafetensorsWriter.write(d.resolve("model-00002-of-00002.safetensors"), b, Map.of("format", "pt"));
            StringBuilder map = new StringBuilder();
            for (Tensor t : cp.tensors()) {
                map.append(map.isEmpty() ? "" : ",").append('"').append(t.name()).append("\":\"model-0000")
                        .append(t.name().startsWith("conv") ? 1 : 2).append("-of-00002.safetensors\"");
            }
            Files.writeString(d.resolve("model.safetensors.index.json"),
                    "{\"metadata\":{\"total_size\":" + cp.byteSize() + "},\"weight_map\":{" + map + "}}");
        }
        return d.resolve("model.safetensors.index.json");
    }

    @Test
    void ggufQ8AndQ4kMatchTheFloatModelWithinQuantizationError() throws Exception {
        float[] fc1;
        try (Checkpoint cp = Checkpoints.open(MODELS.resolve("cnn.safetensors"))) {
            fc1 = cp.tensor("fc1.weight").orElseThrow().toFloats(); // 64 x 1568: 49 Q8_0 blocks per row
        }
        float[] big = new float[96 * 512]; // 2 Q4_K super-blocks per row
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) (r.nextGaussian() / Math.sqrt(0.05 + r.nextDouble()) * 0.02);
        }
        Path f32 = dir.resolve("ref.safetensors");
        SafetensorsWriter.write(f32, List.of(
                Tensor.contiguous("fc1.weight", DType.F32, new long[]{64, 1568}, MemorySegment.ofArray(fc1), null),
                Tensor.contiguous("big.weight", DType.F32, new long[]{96, 512}, MemorySegment.ofArray(big), null)),
                Map.of());
        float[] fc1q = new float[fc1.length];
        float[] bigq = new float[big.length];
        Path gguf = GgufFixture.v3()
                .tensor("fc1.weight", DType.Q8_0, new long[]{1568, 64}, q8_0(fc1, fc1q))
                .tensor("big.weight", DType.Q4_K, new long[]{512, 96}, q4k(big, bigq))
                .build().write(dir.resolve("m.gguf"));
        // the values the codes stand for, reconstructed here by ggml's formulas, written as F32
        Path dequantized = dir.resolve("dequantized.safetensors");
        SafetensorsWriter.write(dequantized, List.of(
                Tensor.contiguous("fc1.weight", DType.F32, new long[]{64, 1568}, MemorySegment.ofArray(fc1q), null),
                Tensor.contiguous("big.weight", DType.F32, new long[]{96, 512}, MemorySegment.ofArray(bigq), null)),
                Map.of());
        Map<String, double[]> want = inspect(f32);
        Map<String, double[]> got = inspect(gguf);
        Map<String, double[]> exact = inspect(dequantized);
        for (String k : List.of("fc1", "big")) {
            assertEquals(exact.get(k)[0], got.get(k)[0], 1e-12, k + ": GGUF alpha = alpha of the dequantized matrix");
            assertEquals(exact.get(k)[1], got.get(k)[1], 1e-12, k);
        }
        // Q8_0: |error| ≤ d/2 = amax/254 per weight; the spectrum moves by ~1e-3 relative
        assertEquals(want.get("fc1")[0], got.get("fc1")[0], 0.02, "Q8_0 alpha");
        assertEquals(want.get("fc1")[1], got.get("fc1")[1], 1e-3, "Q8_0 log_norm");
        // Q4_K: 4-bit codes, errors up to a sixteenth of each sub-block's range: the noise-like matrix's
        // alpha (~9, a flat tail) moves by several percent, its norm by ~1 %
        assertEquals(want.get("big")[0], got.get("big")[0], 0.1 * want.get("big")[0], "Q4_K alpha");
        assertEquals(want.get("big")[1], got.get("big")[1], 0.01, "Q4_K log_norm");
    }

    /** ggml's quantize_row_q8_0_reference: per 32 values d = amax/127 (fp16), q = round(x/d). */
    static byte[] q8_0(float[] x, float[] recon) {
        ByteBuffer b = ByteBuffer.allocate(x.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < x.length; o += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[o + i]));
            }
            float d = amax / 127;
            float id = d == 0 ? 0 : 1 / d;
            b.putShort(Float.floatToFloat16(d));
            float d16 = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int i = 0; i < 32; i++) {
                int q = Math.round(x[o + i] * id);
                b.put((byte) q);
                recon[o + i] = q * d16; // ggml dequantize_row_q8_0: y = x·d
            }
        }
        return b.array();
    }

    /**
     * A valid (not optimal) Q4_K encoding: per 256 values d, dmin (fp16), 8 sub-blocks of 32 with 6-bit
     * scale and min codes packed as ggml's get_scale_min_k4 reads them, 4-bit codes x ≈ d·sc·q − dmin·m.
     */
    static byte[] q4k(float[] x, float[] recon) {
        ByteBuffer b = ByteBuffer.allocate(x.length / 256 * 144).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < x.length; o += 256) {
            float[] scale = new float[8];
            float[] min = new float[8];
            for (int j = 0; j < 8; j++) {
                float lo = 0;
                float hi = 0;
                for (int i = 0; i < 32; i++) {
                    lo = Math.min(lo, x[o + 32 * j + i]);
                    hi = Math.max(hi, x[o + 32 * j + i]);
                }
                scale[j] = (hi - lo) / 15;
                min[j] = -lo;
            }
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; j++) {
                maxScale = Math.max(maxScale, scale[j]);
                maxMin = Math.max(maxMin, min[j]);
            }
            float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 63));
            float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63));
            int[] sc = new int[8];
            int[] m = new int[8];
            for (int j = 0; j < 8; j++) {
                sc[j] = d == 0 ? 0 : Math.min(63, (int) Math.ceil(scale[j] / d)); // ceil: codes stay within 0..15
                m[j] = dmin == 0 ? 0 : Math.min(63, Math.round(min[j] / dmin));
            }
            byte[] packed = new byte[12];
            for (int j = 0; j < 4; j++) {
                packed[j] = (byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
                packed[j + 4] = (byte) ((m[j] & 63) | ((m[j + 4] >> 4) << 6));
                packed[j + 8] = (byte) ((sc[j + 4] & 15) | ((m[j + 4] & 15) << 4));
            }
            int[] q = new int[256];
            for (int j = 0; j < 8; j++) {
                float s = d * sc[j];
                float mm = dmin * m[j];
                for (int i = 0; i < 32; i++) {
                    q[32 * j + i] = s == 0 ? 0 : Math.max(0, Math.min(15, Math.round((x[o + 32 * j + i] + mm) / s)));
                    recon[o + 32 * j + i] = s * q[32 * j + i] - mm; // dequantize_row_q4_K: d1·q − m1
                }
            }
            b.putShort(Float.floatToFloat16(d));
            b.putShort(Float.floatToFloat16(dmin));
            b.put(packed);
            for (int c = 0; c < 4; c++) { // 64 values per chunk: low nibbles sub-block 2c, high nibbles 2c+1
                for (int l = 0; l < 32; l++) {
                    b.put((byte) (q[64 * c + l] | (q[64 * c + 32 + l] << 4)));
                }
            }
        }
        return b.array();
    }
}
