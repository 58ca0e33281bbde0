package dev.loupe.compress.allocate;

import dev.loupe.compress.Mode;

import java.util.Locale;

/** How a model-wide budget (mean sparsity or mean bits) is split across layers. */
public enum AllocationMethod {
    /** Every layer gets the target. */
    UNIFORM(null, ""),
    /** AlphaPruning (arXiv 2410.10912): layers with larger PL_Alpha_Hill are pruned more. */
    ALPHA(Mode.PRUNE, "PL_Alpha_Hill"),
    /** OWL (arXiv 2310.05175): layers with more activation outliers are pruned less. */
    OWL(Mode.PRUNE, "outlier ratio"),
    /** Multiple-choice knapsack (dynamic programming) over each layer's measured squared error at each bit width. */
    KNAPSACK(Mode.QUANTIZE, "squared error"),
    /** Greedy upgrades by error reduction per added bit·parameter, over the same errors. */
    GREEDY(Mode.QUANTIZE, "squared error"),
    /**
     * Hessian-aware (HAWQ-V2, arXiv 1911.03852): the knapsack over each layer's second-order loss increase
     * ({@link HessianAware}): Ω = Tr(H)/n·‖ΔW‖² from exact per-layer Hessian traces on an ONNX classifier (bits or
     * sparsity), else the calibration XᵀX proxy tr(ΔW·XᵀX/N·ΔWᵀ) (bits).
     */
    HESSIAN(null, "output error tr(ΔW·XᵀX/N·ΔWᵀ)");

    private final Mode only;
    private final String metric;

    AllocationMethod(Mode only, String metric) {
        this.only = only;
        this.metric = metric;
    }

    /** Whether this allocation applies to a run of {@code mode}. */
    public boolean appliesTo(Mode mode) {
        return only == null || only == mode;
    }

    /** The per-layer quantity the allocation reads ("" for uniform, which reads none). */
    public String metric() {
        return metric;
    }

    /** The option spelling, lower case. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
