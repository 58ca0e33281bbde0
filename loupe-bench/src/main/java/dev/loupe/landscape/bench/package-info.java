/** Measured code of {@code loupe bench landscape}: the plane loop against plain forward passes in the same run. */
package dev.loupe.landscape.bench;
