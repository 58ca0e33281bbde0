/** Placeholder. */
package dev.loupe.linalg;
