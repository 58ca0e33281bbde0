package dev.loupe.landscape.engine;

import dev.loupe.core.progress.Progress;

import java.util.List;
import java.util.Optional;

/**
 * Loss (and accuracy) at points θ₀ + Σ cₖ·dₖ of a slice (a line, plane or subspace through the model's weights θ₀),
 * given by their coordinates c: each worker builds a point's weights from θ₀ and the directions in its own buffer
 * ({@link SubspacePoints}), so no grid of weight vectors is held. Where the first layer is linear in its weights and
 * fed by the data, it is computed once per batch per direction ({@link FirstLayerProducts}) and ORT runs only the rest
 * of the graph at each point; that is why points go by coordinates only (arbitrary θ: {@link LossEvaluator}).
 */
public final class SliceEvaluator implements AutoCloseable {
    private final LossSession session;
    private final SubspacePoints points;

    /** With the first layer precomputed where valid and worth it ({@link FirstLayerProducts.Use#AUTO}). */
    public SliceEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads,
                          List<float[]> directions, WeightFeed feed) {
        this(model, data, kind, batchSize, threads, directions, feed, FirstLayerProducts.Use.AUTO);
    }

    /**
     * @param batchSize  samples per ORT run
     * @param threads    points evaluated at once (each run uses one intra-op thread)
     * @param directions the slice's directions dₖ, each over all of the model's weights; a weight tensor zero in every
     *                   one stays at θ₀ and is a constant to ORT (BatchNormalization folds into its Conv)
     * @param feed       the weight feed asked for ({@link #weightFeed()} says what is used)
     * @param firstLayer whether to precompute the first layer ({@link #firstLayer()} says whether it is)
     */
    public SliceEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads,
                          List<float[]> directions, WeightFeed feed, FirstLayerProducts.Use firstLayer) {
        this(model, data, kind, batchSize, threads, directions, feed, firstLayer, FirstLayerProducts.MAX_BYTES);
    }

    /** As above, with at most {@code firstLayerBytes} of first-layer products held (past it the whole graph serves). */
    SliceEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads, List<float[]> directions,
                   WeightFeed feed, FirstLayerProducts.Use firstLayer, long firstLayerBytes) {
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("a slice needs at least one direction");
        }
        this.session = new LossSession(model, data, kind, batchSize, threads, directions, feed, firstLayer, firstLayerBytes);
        this.points = new SubspacePoints(model.theta0(), directions, model.layout(), session.runTensors());
    }

    /** Directions of the slice: the length of each point's coordinates. */
    public int dimensions() {
        return points.dimensions();
    }

    /** The weight feed in use. */
    public WeightFeed weightFeed() {
        return session.weightFeed();
    }

    /** The first layer computed once per batch, when it is. */
    public Optional<FirstLayerProducts> firstLayer() {
        return session.firstLayer();
    }

    /** Loss at θ₀ + Σ coords[i][k]·dₖ for every i. Progress advances by one per point. */
    public LossPoint[] evaluateAt(double[][] coords, Progress progress) {
        return session.evaluate(coords.length, (i, theta) -> {
            points.fill(coords[i], theta);
            return coords[i];
        }, progress);
    }

    @Override
    public void close() {
        session.close();
    }
}
