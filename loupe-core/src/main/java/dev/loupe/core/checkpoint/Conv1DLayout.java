package dev.loupe.core.checkpoint;

import dev.loupe.core.tensor.Tensor;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Conv1D} (GPT-2, DistilGPT-2, OpenAI GPT, ImageGPT) is a linear layer that stores its
 * weight as [in, out], the transpose of {@code nn.Linear}. A state dict does not say which class wrote a
 * tensor, and the names alone are ambiguous (Qwen-1's {@code attn.c_attn} and CLIP's {@code mlp.c_fc} are
 * ordinary [out, in] Linears), so the checkpoint is recognized by its fused attention projection:
 * {@code c_attn.weight} of shape [d, 3d] is Conv1D's [in, out]; a Linear's would be [3d, d].
 */
public final class Conv1DLayout {
    private static final Pattern FUSED_QKV = Pattern.compile("(^|\\.)c_attn\\.weight$");
    private static final Pattern CONV1D = Pattern.compile("(^|\\.)(c_attn|q_attn|c_proj|c_fc)\\.weight$");

    private Conv1DLayout() {
    }

    /** Names of the rank-2 tensors stored [in, out] by Conv1D; empty for anything else (and for graphs). */
    public static Set<String> inOutTensors(Checkpoint cp) {
        Set<String> out = new LinkedHashSet<>();
        if (cp.graph().isPresent()) {
            return out; // ONNX says how each initializer is read; nothing to guess
        }
        boolean conv1d = cp.tensors().stream().anyMatch(t -> t.rank() == 2 && FUSED_QKV.matcher(t.name()).find()
                && t.dim(1) == 3 * t.dim(0));
        if (conv1d) {
            for (Tensor t : cp.tensors()) {
                if (t.rank() == 2 && CONV1D.matcher(t.name()).find()) {
                    out.add(t.name());
                }
            }
        }
        return out;
    }
}
