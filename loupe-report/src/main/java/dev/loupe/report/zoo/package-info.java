/** The page of {@code loupe zoo map --report}: the weight-space map and the quality predictor's scores, drawn from {@code ZooMap.Result}. */
package dev.loupe.report.zoo;
