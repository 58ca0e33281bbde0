package dev.loupe.ensemble.predict;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestModelPredictions {
    @Test
    void softmaxOfLargeLogitsDoesNotOverflow() {
        // softmax(1000, 1000 + ln 3) = (1/4, 3/4); softmax(0, 0) = (1/2, 1/2)
        float[] p = ModelPredictions.softmax(new float[][] {{1000f, 1000f + (float) Math.log(3)}, {0f, 0f}}, 2);
        assertEquals(0.25, p[0], 1e-4);
        assertEquals(0.75, p[1], 1e-4);
        assertEquals(0.5, p[2], 0);
    }

    @Test
    void argmaxTakesLowestIndexOnTies() {
        assertArrayEquals(new int[] {1, 0}, ModelPredictions.argmax(new float[][] {{0f, 2f, 2f}, {5f, 5f, 1f}}));
    }
}
