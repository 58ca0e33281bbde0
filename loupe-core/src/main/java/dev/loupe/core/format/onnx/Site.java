package dev.loupe.core.format.onnx;

/**
 * Where one field sits: the whole field (tag, length and content) is {@code [start, end)}, it is field
 * number {@code field} of the message {@code in}. The writer replaces or removes fields by their site.
 */
record Site(long start, long end, int field, Envelope in) {
}
