package dev.loupe.landscape.engine;

import dev.loupe.core.progress.Progress;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Loss (and accuracy) of a {@link ParameterizedModel} on a {@link Samples} at any points θ, whole weight vectors: the
 * whole graph runs at every point, its weights in ORT's layout where that is exact ({@link LossSession}). Points of a
 * slice θ₀ + Σ cₖ·dₖ go by their coordinates through a {@link SliceEvaluator} instead, which may precompute the first
 * layer and so cannot take arbitrary θ.
 */
public final class LossEvaluator implements AutoCloseable {
    private final LossSession session;
    private final ParameterizedModel model;
    private final Samples data;

    /**
     * @param batchSize samples per ORT run
     * @param threads   points evaluated at once (each run uses one intra-op thread)
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads) {
        this.session = new LossSession(model, data, kind, batchSize, threads, List.of(), WeightFeed.OPTIMIZED_LAYOUT,
                FirstLayerProducts.Use.NEVER, 0);
        this.model = model;
        this.data = data;
    }

    public ParameterizedModel model() {
        return model;
    }

    public Samples data() {
        return data;
    }

    /** The weight feed in use. */
    public WeightFeed weightFeed() {
        return session.weightFeed();
    }

    /** Loss at one point. */
    public LossPoint evaluate(float[] theta) {
        return evaluateAll(1, (i, t) -> System.arraycopy(theta, 0, t, 0, t.length), Progress.NONE)[0];
    }

    /**
     * Loss at {@code count} points; {@code fill.accept(i, theta)} writes point i into a worker's buffer. Progress
     * advances by one per point.
     */
    public LossPoint[] evaluateAll(int count, BiConsumer<Integer, float[]> fill, Progress progress) {
        return session.evaluate(count, (i, theta) -> {
            fill.accept(i, theta);
            return null;
        }, progress);
    }

    @Override
    public void close() {
        session.close();
    }
}
