/** Seeded distribution shifts of an image dataset (Gaussian noise, rotation), to test error indicators off-distribution. */
package dev.loupe.ensemble.shift;
