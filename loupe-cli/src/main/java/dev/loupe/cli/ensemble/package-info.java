/** {@code loupe ensemble}: disagreement, polarization and majority-vote bounds of an ensemble. */
package dev.loupe.cli.ensemble;
