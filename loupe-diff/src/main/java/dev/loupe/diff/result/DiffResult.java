package dev.loupe.diff.result;

import dev.loupe.diff.activations.LayerActivations;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.delta.LayerEsds;

import java.util.Comparator;
import java.util.List;

/**
 * A comparison: one row per matched layer (base model order), what could not be matched, and the spectra behind
 * the plots (not serialized with the rows; see {@link #esds()}).
 *
 * @param kind        what was compared
 * @param base        the base checkpoint ("" for an adapter alone)
 * @param other       the other checkpoint, or the adapter folder
 * @param layers      rows in the base checkpoint's order
 * @param onlyInBase  layers of the base with no counterpart
 * @param onlyInOther layers of the other checkpoint (or adapter modules) with no counterpart
 * @param notes       what a reader must know (skipped adapter tensors, ...)
 * @param backend     the linear-algebra backend that computed the spectra
 * @param seconds     wall time
 * @param activations linear CKA of the matched layers' outputs over data ({@code --data}), else empty
 */
public record DiffResult(DiffKind kind, String base, String other, List<LayerDelta> layers, List<String> onlyInBase,
                         List<String> onlyInOther, List<String> notes, String backend, double seconds,
                         @com.fasterxml.jackson.annotation.JsonIgnore List<LayerEsds> esds,
                         List<LayerActivations> activations) {
    public DiffResult(DiffKind kind, String base, String other, List<LayerDelta> layers, List<String> onlyInBase,
                      List<String> onlyInOther, List<String> notes, String backend, double seconds, List<LayerEsds> esds) {
        this(kind, base, other, layers, onlyInBase, onlyInOther, notes, backend, seconds, esds, List.of());
    }

    public DiffResult {
        activations = List.copyOf(activations);
        layers = List.copyOf(layers);
        onlyInBase = List.copyOf(onlyInBase);
        onlyInOther = List.copyOf(onlyInOther);
        notes = List.copyOf(notes);
        esds = List.copyOf(esds);
    }

    /** The {@code n} layers that moved most, by ‖ΔW‖/‖W‖ (by ‖ΔW‖ for an adapter alone). */
    public List<LayerDelta> movedMost(int n) {
        Comparator<LayerDelta> by = kind == DiffKind.ADAPTER
                ? Comparator.comparingDouble(LayerDelta::deltaNorm)
                : Comparator.comparingDouble(LayerDelta::relative);
        return layers.stream().sorted(by.reversed()).limit(n).toList();
    }

    /** The activation CKA of layer {@code name}, NaN when not measured. */
    public double activationCka(String name) {
        return activations.stream().filter(a -> a.name().equals(name)).mapToDouble(LayerActivations::cka).findFirst()
                .orElse(Double.NaN);
    }
}
