package dev.loupe.diff.lora;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base weights with each adapter's update folded in, W + s·B·A, as PEFT's merge_and_unload computes them,
 * in each tensor's stored layout (a weight stored (in, out), GPT-2's Conv1D, gets (s·B·A)ᵀ, as PEFT's
 * fan_in_fan_out does). Values by tensor name, for {@code edit.EditWriter}.
 */
public final class LoraMerge {
    private LoraMerge() {
    }

    public static Map<String, float[]> merged(LoraAdapter adapter, Checkpoint base) {
        List<WeightMatrix> layers = LayerDiscovery.discover(base, ConvMode.SLICES).matrices();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (LoraModule m : adapter.modules()) {
            WeightMatrix w = LoraAnalyzer.find(layers, m);
            if (w == null) {
                throw new LoupeException(adapter.weightsFile(), "module '" + m.module() + "' has no weight '"
                        + m.baseWeight() + "' in " + base.source() + " to merge into");
            }
            if (w.dequant() != null || w.part() != null || w.rf() != 1) {
                throw new LoupeException(base.source(), "'" + w.name() + "' is stored quantized, fused or as a conv kernel: "
                        + "cannot merge a LoRA update into it");
            }
            boolean inOut = w.orientation().equals("in,out");
            int out0 = inOut ? w.cols() : w.rows();
            int in0 = inOut ? w.rows() : w.cols();
            if (out0 != m.out() || in0 != m.in()) {
                throw new LoupeException(adapter.weightsFile(), "module '" + m.module() + "' adapts a " + m.out() + "x"
                        + m.in() + " weight but '" + w.name() + "' is " + out0 + "x" + in0);
            }
            float[] d = LoraAnalyzer.product(m.a().toFloats(), m.b().toFloats(), m.rank(), m.in(), m.out(), (float) m.scale());
            float[] stored = w.toFloats();
            for (int o = 0; o < m.out(); o++) {
                for (int i = 0; i < m.in(); i++) {
                    stored[inOut ? i * m.out() + o : o * m.in() + i] += d[o * m.in() + i];
                }
            }
            out.put(w.tensor().name(), stored);
        }
        return out;
    }
}
