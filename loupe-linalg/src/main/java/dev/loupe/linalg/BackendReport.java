package dev.loupe.linalg;

import java.util.List;

/**
 * Which backend {@link Backends#best()} chose and why the others were not used, for results and logs.
 *
 * @param chosen  name of the backend that runs ({@link DenseBackend#name()})
 * @param how     "auto" or how it was forced (e.g. "LOUPE_BACKEND=java")
 * @param notUsed one line per other backend: its id and the reason
 */
public record BackendReport(String chosen, String how, List<String> notUsed) {
    public BackendReport {
        notUsed = List.copyOf(notUsed);
    }

    /** One line: {@code openblas 0.3.30 ... [auto]; not used: java (slower fallback)}. */
    @Override
    public String toString() {
        return chosen + " [" + how + "]" + (notUsed.isEmpty() ? "" : "; not used: " + String.join("; ", notUsed));
    }
}
