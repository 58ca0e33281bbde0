package dev.loupe.zoo.job;

import dev.loupe.spectral.result.LayerMetrics;

import java.io.Serializable;
import java.util.List;

/**
 * What one {@link ZooWork} produced: its layers' metrics and what the model row needs, or the error.
 * Serializable because Spark ships parts from the tasks to the step that assembles a checkpoint.
 *
 * @param work       the task
 * @param format     checkpoint format ("" on error)
 * @param backend    linear-algebra backend
 * @param precision  ESD precision
 * @param skipped    tensors the checkpoint's layer discovery skipped (whole checkpoint)
 * @param layers     metrics of layers {@code [work.from, work.to)} in order
 * @param error      one-line error, or null
 * @param seconds    wall time of the task
 */
public record LayerPart(ZooWork work, String format, String backend, String precision, int skipped,
                        List<LayerMetrics> layers, String error, double seconds) implements Serializable {
    public LayerPart {
        layers = List.copyOf(layers);
    }
}
