package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.format.safetensors.SafetensorsShards;
import dev.loupe.core.format.safetensors.SafetensorsStream;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a compressed copy of a checkpoint as safetensors: every tensor of the source, with edited layers
 * replaced: pruned weights in place (same name, dtype and shape, zeros where pruned), quantized ones in
 * the {@link QuantizedLayout}. The source's metadata is kept; {@code extraMetadata} is added. Safetensors
 * cannot share storage, so a name tied to an earlier tensor (PyTorch's GPT-2 lm_head = wte) is written once,
 * as Hugging Face's save_pretrained does, and recorded as metadata {@code loupe.tied.<name> = <first name>}.
 *
 * <p>Streamed: every output tensor's name, dtype and shape follow from the plan (a pruned layer keeps its shape; a
 * quantized one's follow from its bits, group size, outlier count and rank), so the header is written first and each
 * layer's edit is written as soon as it is computed ({@link #accept}) and can be dropped; the untouched tensors are
 * copied from the (mapped) source at {@link #finish}. A model larger than memory is compressed holding one layer.
 * A target named {@code NAME.safetensors.index.json} gives Hugging Face shards and their index
 * ({@link SafetensorsShards}). Nothing is left behind unless {@link #finish} completes.
 */
public final class SafetensorsOutput implements AutoCloseable {
    /** Metadata key prefix naming a tensor left out because it is tied to (the same bytes as) another. */
    public static final String TIED_KEY_PREFIX = TiedTensors.METADATA_PREFIX;

    /** What one edited layer will be written as, known before its edit exists. */
    public sealed interface Planned {
        Layer layer();

        /** Pruned (or otherwise modified) floats in the layer's own dtype and shape. */
        record Dense(Layer layer) implements Planned {
        }

        /** Quantized with {@code spec}, {@code outliers} entries kept exactly and a rank-{@code rank} correction (0: none). */
        record Quantized(Layer layer, QuantSpec spec, int outliers, int rank) implements Planned {
        }

        /** The plan an existing edit fulfils. */
        static Planned of(LayerEdit e) {
            return switch (e) {
                case LayerEdit.Dense d -> new Dense(d.layer());
                case LayerEdit.Quantized q -> new Quantized(q.layer(), q.q().spec(), q.q().outlierCount(),
                        q.lowRank() == null ? 0 : q.lowRank().rank());
            };
        }
    }

    private final Checkpoint source;
    private final SafetensorsShards out;
    private final Path target;
    private final Set<String> edited = new HashSet<>();
    private final Set<String> tied;

    private SafetensorsOutput(Checkpoint source, SafetensorsShards out, Path target, Set<String> tied) {
        this.source = source;
        this.out = out;
        this.target = target;
        this.tied = tied;
    }

    /** Writes {@code edits} (all in memory) in one go: {@link #open}, accept each, {@link #finish}. */
    public static void write(Checkpoint source, List<LayerEdit> edits, Map<String, String> extraMetadata, Path target) {
        try (SafetensorsOutput o = open(source, edits.stream().map(Planned::of).toList(), extraMetadata, target,
                SafetensorsShards.DEFAULT_MAX_SHARD_BYTES)) {
            edits.forEach(o::accept);
            o.finish();
        }
    }

    /**
     * Starts the output: declares every tensor the plan gives and writes the header(s) to temporary files.
     * {@code maxShardBytes} applies to a shard-index target only.
     */
    public static SafetensorsOutput open(Checkpoint source, List<Planned> plan, Map<String, String> extraMetadata, Path target,
                                         long maxShardBytes) {
        Map<String, Planned> byName = new HashMap<>();
        plan.forEach(p -> byName.put(p.layer().name(), p));
        Map<String, String> meta = new LinkedHashMap<>(source.format().name().equals("SAFETENSORS") ? source.metadata() : Map.of());
        if (source.source().getFileName().toString().endsWith(".index.json")) {
            meta.remove("total_size"); // what the shard reader adds from the input's index: not this file's
            meta.remove("shards");
        }
        meta.putAll(extraMetadata);
        Map<String, String> tiedTo = TiedTensors.find(source.tensors());
        List<SafetensorsStream.Declared> declared = new ArrayList<>();
        for (Tensor t : source.tensors()) {
            if (tiedTo.containsKey(t.name())) {
                meta.put(TIED_KEY_PREFIX + t.name(), tiedTo.get(t.name()));
                continue;
            }
            switch (byName.get(t.name())) {
                case null -> declared.add(SafetensorsStream.Declared.of(t));
                case Planned.Dense d -> declared.add(SafetensorsStream.Declared.of(t));
                case Planned.Quantized q -> {
                    meta.put(QuantizedLayout.FORMAT_KEY, QuantizedLayout.FORMAT);
                    meta.put(QuantizedLayout.LAYER_KEY_PREFIX + t.name(), describe(q));
                    declared.addAll(quantizedTensors(t.name(), q));
                }
            }
        }
        return new SafetensorsOutput(source, SafetensorsShards.create(target, declared, meta, maxShardBytes), target,
                tiedTo.keySet());
    }

    /** The files {@link #finish} publishes: the target, or its shards and the index. */
    public List<Path> files() {
        return out.files();
    }

    /** Writes one layer's edit; it must match the plan given to {@link #open}. */
    public void accept(LayerEdit e) {
        Tensor t = e.layer().tensor();
        edited.add(t.name());
        switch (e) {
            case LayerEdit.Dense d -> out.put(Tensor.contiguous(t.name(), t.dtype(), t.shape(),
                    Encode.floats(d.layer().toStored(d.outIn()), t.dtype()), target));
            case LayerEdit.Quantized q -> {
                quantized(t.name(), q.q(), target).forEach(out::put);
                if (q.lowRank() != null) {
                    var f = q.lowRank();
                    out.put(Tensor.contiguous(t.name() + ".lowrank_a", DType.F32, new long[] {f.rows(), f.rank()},
                            Encode.floats(f.a(), DType.F32), target));
                    out.put(Tensor.contiguous(t.name() + ".lowrank_b", DType.F32, new long[] {f.rank(), f.cols()},
                            Encode.floats(f.b(), DType.F32), target));
                }
            }
        }
    }

    /** Copies every tensor that was not edited from the source, then publishes the file (or shards and index). */
    public void finish() {
        for (Tensor t : source.tensors()) {
            if (!edited.contains(t.name()) && !tied.contains(t.name())) {
                out.put(t);
            }
        }
        out.finish();
    }

    /** Deletes the temporary files unless {@link #finish} published them. */
    @Override
    public void close() {
        out.close();
    }

    private static String describe(Planned.Quantized q) {
        QuantSpec s = q.spec();
        int cols = q.layer().cols();
        return "bits=" + s.bits() + ";group_size=" + (s.groupSize() <= 0 ? cols : s.groupLength(cols))
                + ";symmetric=" + s.symmetric()
                + ";shape=" + Arrays.stream(q.layer().tensor().shape()).mapToObj(Long::toString).collect(Collectors.joining("x"))
                + ";transposed=" + q.layer().storedInOut();
    }

    /** The tensors a quantized layer becomes, as {@link #quantized} and {@link #accept} write them. */
    private static List<SafetensorsStream.Declared> quantizedTensors(String name, Planned.Quantized q) {
        QuantSpec s = q.spec();
        if (s.perTensor()) {
            throw new IllegalArgumentException("the safetensors layout stores per-channel or group-wise scales, not per-tensor");
        }
        int rows = q.layer().rows();
        int cols = q.layer().cols();
        int per = QuantizedLayout.perByte(s.bits());
        int g = s.groupLength(cols);
        long[] gShape = {rows, (cols + g - 1) / g};
        List<SafetensorsStream.Declared> out = new ArrayList<>(List.of(
                new SafetensorsStream.Declared(name + ".qweight", DType.U8, new long[] {rows, (cols + per - 1) / per}),
                new SafetensorsStream.Declared(name + ".scales", DType.F32, gShape),
                new SafetensorsStream.Declared(name + ".zeros", DType.U8, gShape)));
        if (q.outliers() > 0) {
            out.add(new SafetensorsStream.Declared(name + ".outlier_index", DType.I32, new long[] {q.outliers()}));
            out.add(new SafetensorsStream.Declared(name + ".outlier_value", DType.F32, new long[] {q.outliers()}));
        }
        if (q.rank() > 0) {
            out.add(new SafetensorsStream.Declared(name + ".lowrank_a", DType.F32, new long[] {rows, q.rank()}));
            out.add(new SafetensorsStream.Declared(name + ".lowrank_b", DType.F32, new long[] {q.rank(), cols}));
        }
        return out;
    }

    private static List<Tensor> quantized(String name, QuantizedMatrix q, Path file) {
        if (q.spec().perTensor()) {
            throw new IllegalArgumentException("the safetensors layout stores per-channel or group-wise scales, not per-tensor");
        }
        int groups = q.groups();
        List<Tensor> out = new ArrayList<>();
        byte[] packed = QuantizedLayout.pack(q);
        out.add(Tensor.contiguous(name + ".qweight", DType.U8,
                new long[] {q.rows(), packed.length / q.rows()}, MemorySegment.ofArray(packed), file));
        long[] gShape = {q.rows(), groups};
        out.add(Tensor.contiguous(name + ".scales", DType.F32, gShape, Encode.floats(q.scales(), DType.F32), file));
        int off = QuantizedLayout.offset(q);
        int[] zeros = Arrays.stream(q.zeros()).map(z -> z + off).toArray();
        out.add(Tensor.contiguous(name + ".zeros", DType.U8, gShape, Encode.bytes(zeros), file));
        int k = q.outlierCount();
        if (k > 0) {
            ByteBuffer idx = ByteBuffer.allocate(4 * k).order(ByteOrder.LITTLE_ENDIAN);
            float[] vals = new float[k];
            int j = 0;
            for (int i = 0; i < q.outlier().length; i++) {
                if (q.outlier()[i]) {
                    idx.putInt(i);
                    vals[j++] = q.outlierValues()[i];
                }
            }
            out.add(Tensor.contiguous(name + ".outlier_index", DType.I32, new long[] {k}, MemorySegment.ofArray(idx.array()), file));
            out.add(Tensor.contiguous(name + ".outlier_value", DType.F32, new long[] {k}, Encode.floats(vals, DType.F32), file));
        }
        return out;
    }
}
