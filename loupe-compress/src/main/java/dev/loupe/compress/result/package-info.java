/** Immutable records describing what a compression did, for rendering. */
package dev.loupe.compress.result;
