package dev.loupe.landscape.hessian;

import dev.loupe.linalg.sketch.SymmetricOperator;

import java.util.List;

/** v ↦ Hv for the Hessian H of the loss at a fixed point: {@link #apply} returns Hv and leaves {@code v} as it is. */
public interface HessianVectorProduct extends SymmetricOperator {
    /**
     * H·v for each of {@code vs}, in order: independent directions that an implementation may run together, several
     * per pass ({@link #batch}); equal to {@link #apply} on each, to float rounding.
     */
    default List<double[]> applyAll(List<double[]> vs) {
        return vs.stream().map(this::apply).toList();
    }

    /** Directions {@link #applyAll} runs together at best: callers with independent vectors group them by this many. */
    default int batch() {
        return 1;
    }
}
