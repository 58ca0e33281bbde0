package dev.loupe.spectral.result;

import java.util.List;

/**
 * Where a result came from, so it can be reproduced and compared.
 *
 * @param file          checkpoint path as given
 * @param format        checkpoint format (SAFETENSORS, ONNX, GGUF, PYTORCH, ...)
 * @param sizeBytes     bytes on disk of every file the checkpoint is read from (shards, external data included)
 * @param sha256        SHA-256 of the file (empty for directories/shards, or when --no-hash)
 * @param backend       linear-algebra backend that computed the ESDs
 * @param precision     "fp64" or "fp32": precision of the Gram matrix and eigensolver
 * @param loupeVersion  Loupe version
 * @param seed          seed of every random choice (shuffles)
 * @param threads       layers analyzed in parallel
 * @param options       the analysis options, as "key=value" strings
 * @param startedAt     ISO-8601 UTC start time
 * @param wallSeconds   total wall time
 * @param javaVersion   java.version
 * @param peakHeapBytes peak Java heap of the process up to the end of the analysis (sum of the heap pools' peaks)
 * @param maxHeapBytes  the heap limit (-Xmx, LOUPE_HEAP) the analysis was scheduled within
 */
public record Provenance(String file, String format, long sizeBytes, String sha256, String backend, String precision,
                         String loupeVersion, long seed, int threads, List<String> options, String startedAt,
                         double wallSeconds, String javaVersion, long peakHeapBytes, long maxHeapBytes) {
    public Provenance {
        options = List.copyOf(options);
    }
}
