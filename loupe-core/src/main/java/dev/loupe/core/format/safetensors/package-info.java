/**
 * The safetensors format: {@link dev.loupe.core.format.safetensors.SafetensorsHeader} owns the byte
 * layout and its validation, the reader maps files zero-copy, the writer streams sorted, aligned files
 * that the reference Rust library reads.
 */
package dev.loupe.core.format.safetensors;
