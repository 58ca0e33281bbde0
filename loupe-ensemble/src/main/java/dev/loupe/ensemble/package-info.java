/**
 * Ensemble analysis after Kim, Hodgkinson, Theisen and Mahoney, "How many classifiers do we need?"
 * (arXiv 2411.00328): disagreement, polarization, majority-vote error bounds, extrapolation to larger
 * ensembles, and disagreement as an indicator of wrong predictions. Everything works on a predictions
 * matrix ({@link dev.loupe.ensemble.predict.Predictions}) so it is testable without a model runtime.
 */
package dev.loupe.ensemble;
