/** {@code loupe edit}: spectral editing (SVD smoothing and sharpening) written as a new checkpoint. */
package dev.loupe.cli.edit;
