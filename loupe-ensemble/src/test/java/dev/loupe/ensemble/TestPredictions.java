package dev.loupe.ensemble;

import dev.loupe.core.LoupeException;
import dev.loupe.ensemble.predict.Predictions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPredictions {
    @Test
    void argmaxTakesLowestIndexOnTies() {
        float[][] probs = {{0.2f, 0.5f, 0.3f, 0.4f, 0.4f, 0.2f}};
        Predictions p = Predictions.fromProbabilities(List.of("a"), probs, new int[] {1, 0}, 3);
        assertArrayEquals(new int[] {1, 0}, p.labels()[0]);
    }

    @Test
    void validation() {
        LoupeException e = assertThrows(LoupeException.class, () -> new Predictions(List.of("a", "b"),
                new int[][] {{0, 1}, {0}}, null, new int[] {0, 1}, 2));
        assertTrue(e.getMessage().contains("member b has 1 predictions"), e.getMessage());
        assertThrows(LoupeException.class, () -> new Predictions(List.of("a"), new int[][] {{0, 2}}, null, new int[] {0, 1}, 2));
        assertThrows(LoupeException.class, () -> new Predictions(List.of("a"), new int[][] {{0, 1}}, null, new int[] {0, -1}, 2));
        assertThrows(LoupeException.class, () -> new Predictions(List.of("a"), new int[][] {{0, 1}},
                new float[][] {{0.5f, 0.5f, 1f}}, new int[] {0, 1}, 2));
        assertThrows(LoupeException.class, () -> new Predictions(List.of(), new int[0][], null, new int[] {0}, 2));
    }
}
