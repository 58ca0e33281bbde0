package dev.loupe.compress.write;

import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.CompressRequest;
import dev.loupe.compress.engine.CompressRun;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streamed safetensors output of {@code loupe compress} (issue 14 item 5) on a small LLaMA-named model in three
 * shards: what it writes equals the kernels applied directly, one file or shards, and no edit outlives its write.
 */
class TestStreamedOutput {
    @TempDir
    Path dir;

    /** Three blocks (q [32, 64], up [48, 64], down [64, 48] BF16, a norm), embeddings and head, one shard per block. */
    private Path model() throws IOException {
        Path m = dir.resolve("in");
        Files.createDirectories(m);
        Random rnd = new Random(5);
        StringBuilder map = new StringBuilder();
        for (int b = 0; b < 3; b++) {
            String p = "model.layers." + b + ".";
            List<Tensor> ts = new ArrayList<>(List.of(t(p + "self_attn.q_proj.weight", rnd, 32, 64),
                    t(p + "mlp.up_proj.weight", rnd, 48, 64), t(p + "mlp.down_proj.weight", rnd, 64, 48),
                    t(p + "input_layernorm.weight", rnd, 64)));
            if (b == 0) {
                ts.addFirst(t("model.embed_tokens.weight", rnd, 100, 64));
            }
            if (b == 2) {
                ts.add(t("lm_head.weight", rnd, 100, 64));
            }
            String shard = "model-0000" + (b + 1) + "-of-00003.safetensors";
            SafetensorsWriter.write(m.resolve(shard), ts, Map.of("format", "pt"));
            for (Tensor t : ts) {
                map.append(map.isEmpty() ? "" : ", ").append('"').append(t.name()).append("\": \"").append(shard).append('"');
            }
        }
        Path index = m.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\": {\"total_size\": 1}, \"weight_map\": {" + map + "}}");
        return index;
    }

    private static Tensor t(String name, Random rnd, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.02 * rnd.nextGaussian());
        }
        return Tensor.contiguous(name, DType.BF16, shape, Encode.floats(v, DType.BF16), null);
    }

    private static CompressionRun compress(Path in, CompressRequest.Goal goal, Path out, long maxShard) {
        CompressRequest r = new CompressRequest(in, goal, null, CompressRequest.Data.NONE, new CompressRequest.MemoryWall(1, null),
                new CompressRequest.Destination(out, false, false, maxShard));
        return new CompressionRun(CompressRun.run(r, Backends.best(), Progress.NONE));
    }

    private record CompressionRun(dev.loupe.compress.result.CompressionReport report) {
    }

    private static byte[] bytes(Tensor t) {
        return t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void rtnIntoShardsIsTheKernelAppliedDirectly() throws IOException {
        Path in = model();
        CompressRequest.Goal rtn = new CompressRequest.Quantize(4, Method.RTN, AllocationMethod.UNIFORM, 16, false, 0, false, 0);
        Path index = dir.resolve("out").resolve("model.safetensors.index.json");
        compress(in, rtn, index, 8_000);
        Path one = dir.resolve("one.safetensors");
        compress(in, rtn, one, 8_000);
        try (Checkpoint src = Checkpoints.open(in); Checkpoint sharded = Checkpoints.open(index); Checkpoint single = Checkpoints.open(one)) {
            assertTrue(sharded.tensors().size() > 20);
            long shards;
            try (Stream<Path> s = Files.list(index.getParent())) {
                shards = s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
            }
            assertTrue(shards >= 3, shards + " shards of at most 8,000 bytes"); // 3 x 11 KiB of codes and scales
            // every tensor of the shards is the one file's, byte for byte
            assertEquals(single.tensors().size(), sharded.tensors().size());
            for (Tensor t : single.tensors()) {
                assertArrayEquals(bytes(t), bytes(sharded.tensor(t.name()).orElseThrow()), t.name());
            }
            for (Layer l : LayerFinder.find(src)) {
                float[] want = RoundToNearest.quantize(l.outIn(), l.rows(), l.cols(), new QuantSpec(4, true, 16)).dequantize();
                assertArrayEquals(want, LoupeQuantized.dequantize(sharded, l.name()), 0f, l.name());
            }
            for (String kept : List.of("model.embed_tokens.weight", "lm_head.weight", "model.layers.1.input_layernorm.weight")) {
                assertArrayEquals(bytes(src.tensor(kept).orElseThrow()), bytes(sharded.tensor(kept).orElseThrow()), kept);
            }
        }
    }

    @Test
    void magnitudeIntoOneFileIsTheKernelAppliedDirectly() throws IOException {
        Path in = model();
        Path out = dir.resolve("pruned.safetensors");
        compress(in, new CompressRequest.Prune(0.5, Method.MAGNITUDE, AllocationMethod.UNIFORM, 0, 0, 0.3, null, null), out, 1);
        try (Checkpoint src = Checkpoints.open(in); Checkpoint back = Checkpoints.open(out)) {
            for (Layer l : LayerFinder.find(src)) {
                float[] w = l.outIn();
                float[] want = Pruners.prune(Pruners.magnitudeScores(w), l.rows(), l.cols(), 0.5, Pruners.Scope.LAYER).apply(w);
                assertArrayEquals(bytes(Tensor.contiguous(l.name(), DType.BF16, l.tensor().shape(), Encode.floats(want, DType.BF16), null)),
                        bytes(back.tensor(l.name()).orElseThrow()), l.name());
            }
            assertEquals(src.tensors().size(), back.tensors().size());
        }
    }

    @Test
    void noEditOutlivesItsWrite() throws IOException {
        Path in = model();
        List<WeakReference<Object>> written = new ArrayList<>();
        try (Checkpoint cp = Checkpoints.open(in)) {
            List<Layer> layers = LayerFinder.find(cp);
            QuantOptions o = QuantOptions.uniform(4, 16, true);
            var a = Allocations.allocateBits(layers, o);
            List<SafetensorsOutput.Planned> plan = layers.stream().<SafetensorsOutput.Planned>map(l ->
                    new SafetensorsOutput.Planned.Quantized(l, new QuantSpec(4, true, 16), 0, 0)).toList();
            try (SafetensorsOutput w = SafetensorsOutput.open(cp, plan, Map.of(), dir.resolve("q.safetensors"), 1)) {
                var outcome = Compressor.quantize(layers, a, o, Map.of(), Progress.NONE, e -> {
                    w.accept(e);
                    written.add(new WeakReference<>(((LayerEdit.Quantized) e).q().codes()));
                });
                assertEquals(List.of(), outcome.edits());
                assertEquals(9, written.size());
                w.finish();
            }
        }
        // neither the compressor nor the writer kept a layer's codes: the collector can take every one
        for (int i = 0; i < 20 && written.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
        }
        assertEquals(0, written.stream().filter(r -> r.get() != null).count(), "edits still reachable after their write");
    }

    @Test
    void aShardOverwritingAnInputShardIsRefusedAndNothingIsWritten() throws IOException {
        Path in = dir.resolve("one");
        Files.createDirectories(in);
        Random rnd = new Random(6);
        SafetensorsWriter.write(in.resolve("model-00001-of-00001.safetensors"), List.of(t("model.layers.0.mlp.up_proj.weight", rnd, 48, 64),
                t("model.norm.weight", rnd, 64)), Map.of());
        Path index = in.resolve("orig.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"model.layers.0.mlp.up_proj.weight\": \"model-00001-of-00001.safetensors\", "
                + "\"model.norm.weight\": \"model-00001-of-00001.safetensors\"}}");
        Map<Path, byte[]> before = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(in)) {
            for (Path p : s.toList()) {
                before.put(p, Files.readAllBytes(p));
            }
        }
        // one shard named model-00001-of-00001.safetensors: the input's own shard
        LoupeException e = assertThrows(LoupeException.class, () -> compress(index,
                new CompressRequest.Quantize(8, Method.RTN, AllocationMethod.UNIFORM, 0, false, 0, false, 0),
                in.resolve("model.safetensors.index.json"), 1L << 30));
        assertTrue(e.getMessage().contains("model-00001-of-00001.safetensors would overwrite"), e.getMessage());
        try (Stream<Path> s = Files.list(in)) {
            assertEquals(before.keySet(), new java.util.HashSet<>(s.toList()));
        }
        for (var kv : before.entrySet()) {
            assertArrayEquals(kv.getValue(), Files.readAllBytes(kv.getKey()), kv.getKey().toString());
        }
    }
}
