package dev.loupe.diff.result;

/** What was compared. */
public enum DiffKind {
    /** Two checkpoints of the same architecture (base vs fine-tuned). */
    CHECKPOINTS,
    /** A LoRA adapter, with its base checkpoint. */
    ADAPTER_WITH_BASE,
    /** A LoRA adapter alone: the updates' spectra, no base weights. */
    ADAPTER
}
