package dev.loupe.diff.edit;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the edited checkpoint: an ONNX model with the edited initializers replaced (same names, dtypes and
 * shapes), or safetensors holding every tensor of the source with the edited ones re-encoded in their dtype.
 * PyTorch and GGUF inputs are written as safetensors (there is no writer of their formats here). A name tied to an
 * earlier tensor (PyTorch's GPT-2 lm_head = wte) is written once, recorded as {@code loupe.tied.<name>} metadata.
 */
public final class EditWriter {
    private EditWriter() {
    }

    /** The output format {@code target}'s extension asks for, checked against the source. */
    public static CheckpointFormat formatFor(Checkpoint source, Path target) {
        String n = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".onnx")) {
            if (source.format() != CheckpointFormat.ONNX) {
                throw new LoupeException(target, "an ONNX output needs an ONNX input (the graph comes from it); use "
                        + ".safetensors for " + source.format().name().toLowerCase(Locale.ROOT) + " input");
            }
            return CheckpointFormat.ONNX;
        }
        if (n.endsWith(".safetensors")) {
            if (source.format() == CheckpointFormat.ONNX) {
                throw new LoupeException(target, "an ONNX input is written as .onnx (safetensors would lose the graph)");
            }
            return CheckpointFormat.SAFETENSORS;
        }
        throw new LoupeException(target, "the output must end in .onnx or .safetensors");
    }

    public static void write(Checkpoint source, Map<String, float[]> values, Map<String, String> metadata, Path target) {
        if (formatFor(source, target) == CheckpointFormat.ONNX) {
            OnnxWriter w = OnnxWriter.edit(source.source());
            for (Tensor t : source.tensors()) {
                float[] v = values.get(t.name());
                if (v != null) {
                    w.replace(t.name(), t.dtype(), t.shape(), Encode.floats(v, t.dtype()));
                }
            }
            w.write(target);
            return;
        }
        Map<String, String> meta = new LinkedHashMap<>(source.format() == CheckpointFormat.SAFETENSORS
                ? source.metadata() : Map.of());
        meta.putAll(metadata);
        Map<String, String> tied = TiedTensors.find(source.tensors());
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : source.tensors()) {
            if (tied.containsKey(t.name())) {
                meta.put(TiedTensors.METADATA_PREFIX + t.name(), tied.get(t.name()));
                continue;
            }
            float[] v = values.get(t.name());
            out.add(v == null ? t : Tensor.contiguous(t.name(), t.dtype(), t.shape(), Encode.floats(v, t.dtype()), target));
        }
        SafetensorsWriter.write(target, out, meta);
    }
}
