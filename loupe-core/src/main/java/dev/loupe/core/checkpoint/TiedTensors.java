package dev.loupe.core.checkpoint;

import dev.loupe.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names that are the same stored tensor as an earlier name. PyTorch writes a tied parameter once and
 * points every name at it (GPT-2's {@code lm_head.weight} is {@code transformer.wte.weight}); counting or
 * analyzing both would count one matrix twice. Safetensors and ONNX cannot express this (they hold
 * copies, which are separate tensors), so in practice only PyTorch checkpoints have ties.
 */
public final class TiedTensors {
    /** Metadata key prefix of a writer that leaves a tied name out: {@code loupe.tied.<name> = <first name>}. */
    public static final String METADATA_PREFIX = "loupe.tied.";

    private TiedTensors() {
    }

    /** Later name to the first name with the same bytes, in checkpoint order (empty when nothing is tied). */
    public static Map<String, String> find(List<Tensor> tensors) {
        // bucket by cheap keys first so that a checkpoint of thousands of tensors is not compared pairwise
        Map<String, List<Tensor>> buckets = new HashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            String key = t.dtype() + java.util.Arrays.toString(t.shape()) + t.file();
            List<Tensor> seen = buckets.computeIfAbsent(key, k -> new ArrayList<>());
            for (Tensor s : seen) {
                if (t.sameBytesAs(s)) {
                    out.put(t.name(), out.getOrDefault(s.name(), s.name()));
                    break;
                }
            }
            if (!out.containsKey(t.name())) {
                seen.add(t);
            }
        }
        return out;
    }
}
