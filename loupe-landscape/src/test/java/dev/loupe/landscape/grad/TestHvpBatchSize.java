package dev.loupe.landscape.grad;

import dev.loupe.core.data.Fixtures;
import dev.loupe.landscape.engine.ParameterizedModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The default directions per batched pass: as many as {@link HvpBatchSize#BUDGET} holds, up to 16 where that reaches a
 * pooled layer's route (the fixture CNN's second conv chain: from 2·⌈32·49/196⌉ = 16), else up to 8 (the MLP).
 */
class TestHvpBatchSize {
    @Test
    void sixteenOnlyWhereARouteTakesThem() {
        try (ParameterizedModel cnn = ParameterizedModel.open(Fixtures.dir().resolve("models/cnn.onnx"));
             ParameterizedModel mlp = ParameterizedModel.open(Fixtures.dir().resolve("models/mlp.onnx"))) {
            long fitCnn = HvpBatchSize.BUDGET / HvpBatchSize.perDirection(cnn, 500);
            assertEquals(fitCnn >= 16 ? 16 : Math.max(1, Math.min(8, fitCnn)), HvpBatchSize.of(cnn, 500));
            long fitMlp = HvpBatchSize.BUDGET / HvpBatchSize.perDirection(mlp, 500);
            assertEquals(Math.max(1, Math.min(8, fitMlp)), HvpBatchSize.of(mlp, 500));
            assertEquals(16, PoolChain.of(cnn, GradientGraph.shapes(cnn)).stream().filter(PoolChain::hidden)
                    .mapToInt(PoolChain::minVectors).min().orElseThrow());
        }
    }
}
