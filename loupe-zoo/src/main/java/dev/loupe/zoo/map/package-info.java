/**
 * The weight-space map of a zoo (in the spirit of SANE, arXiv 2406.09997, without training a
 * network): fixed-length fingerprints from per-layer metrics, PCA to 2-D, and a ridge predictor of a
 * quality label from weights alone, scored by k-fold cross-validation against one-metric baselines.
 */
package dev.loupe.zoo.map;
