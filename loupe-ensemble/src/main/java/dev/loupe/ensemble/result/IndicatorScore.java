package dev.loupe.ensemble.result;

/** How well a per-sample score ranks wrong majority votes above right ones: AUROC (0.5 = chance). */
public record IndicatorScore(String score, double auroc) {
}
