package dev.loupe.lm.config;

import java.nio.file.Path;

/**
 * The few facts a graph-carrying model (an ONNX decoder) takes from the config.json beside it.
 *
 * @param file         the config.json read
 * @param bosId        beginning-of-sequence id, or -1
 * @param maxPositions position-table length, or {@link Integer#MAX_VALUE} when the config does not give one
 */
public record ConfigHints(Path file, int bosId, int maxPositions) {
}
