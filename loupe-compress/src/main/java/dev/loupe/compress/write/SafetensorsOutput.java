package dev.loupe.compress.write;

import dev.loupe.core.tensor.Encode;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a compressed copy of a checkpoint as safetensors: every tensor of the source, with edited layers
 * replaced: pruned weights in place (same name, dtype and shape, zeros where pruned), quantized ones in
 * the {@link QuantizedLayout}. The source's metadata is kept; {@code extraMetadata} is added. Safetensors
 * cannot share storage, so a name tied to an earlier tensor (PyTorch's GPT-2 lm_head = wte) is written once,
 * as Hugging Face's save_pretrained does, and recorded as metadata {@code loupe.tied.<name> = <first name>}.
 */
public final class SafetensorsOutput {
    /** Metadata key prefix naming a tensor left out because it is tied to (the same bytes as) another. */
    public static final String TIED_KEY_PREFIX = TiedTensors.METADATA_PREFIX;

    private SafetensorsOutput() {
    }

    public static void write(Checkpoint source, List<LayerEdit> edits, Map<String, String> extraMetadata, Path target) {
        Map<String, LayerEdit> byName = edits.stream().collect(Collectors.toMap(e -> e.layer().name(), e -> e));
        Map<String, String> meta = new LinkedHashMap<>(source.format().name().equals("SAFETENSORS") ? source.metadata() : Map.of());
        meta.putAll(extraMetadata);
        List<Tensor> out = new ArrayList<>();
        Map<String, String> tied = TiedTensors.find(source.tensors());
        for (Tensor t : source.tensors()) {
            if (tied.containsKey(t.name())) {
                meta.put(TIED_KEY_PREFIX + t.name(), tied.get(t.name()));
                continue;
            }
            LayerEdit e = byName.get(t.name());
            switch (e) {
                case null -> out.add(t);
                case LayerEdit.Dense d -> out.add(Tensor.contiguous(t.name(), t.dtype(), t.shape(),
                        Encode.floats(d.layer().toStored(d.outIn()), t.dtype()), target));
                case LayerEdit.Quantized q -> {
                    meta.put(QuantizedLayout.FORMAT_KEY, QuantizedLayout.FORMAT);
                    meta.put(QuantizedLayout.LAYER_KEY_PREFIX + t.name(), describe(q));
                    out.addAll(quantized(t.name(), q.q(), target));
                    if (q.lowRank() != null) {
                        var f = q.lowRank();
                        out.add(Tensor.contiguous(t.name() + ".lowrank_a", DType.F32, new long[] {f.rows(), f.rank()},
                                Encode.floats(f.a(), DType.F32), target));
                        out.add(Tensor.contiguous(t.name() + ".lowrank_b", DType.F32, new long[] {f.rank(), f.cols()},
                                Encode.floats(f.b(), DType.F32), target));
                    }
                }
            }
        }
        SafetensorsWriter.write(target, out, meta);
    }

    private static String describe(LayerEdit.Quantized e) {
        QuantizedMatrix q = e.q();
        return "bits=" + q.spec().bits() + ";group_size=" + (q.spec().groupSize() <= 0 ? q.cols() : q.spec().groupLength(q.cols()))
                + ";symmetric=" + q.spec().symmetric()
                + ";shape=" + Arrays.stream(e.layer().tensor().shape()).mapToObj(Long::toString).collect(Collectors.joining("x"))
                + ";transposed=" + e.layer().storedInOut();
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
