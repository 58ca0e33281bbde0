/** Pairing the layers of two checkpoints: by name, by name without wrapper prefixes, then by shape and position. */
package dev.loupe.diff.match;
