package dev.loupe.report.zoo;

import dev.loupe.zoo.map.CrossValidation;
import dev.loupe.zoo.map.ZooMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestZooMapReport {
    @Test
    void drawsOneDotPerModelInEachPlotAndTheScoreTable() {
        List<String> features = List.of("alpha_mean", "log_norm_mean", "stable_rank_mean");
        ZooMap.Result r = new ZooMap.Result("test_accuracy", 3, 1, features, new double[] {0.625, 0.25},
                List.of(new ZooMap.Point("/z/a.onnx", -1, 0.5, 0.8), new ZooMap.Point("/z/b.onnx", 0, -1, 0.85),
                        new ZooMap.Point("/z/c.onnx", 1, 0.5, 0.9)),
                List.of(new double[] {3, 1, 10}, new double[] {4, 2, 11}, new double[] {5, 3, 12}),
                List.of(new CrossValidation.Score("ridge (all features)", 3, 0.5, 0.25, new double[] {0.81, 0.86, 0.88}),
                        new CrossValidation.Score("mean alpha alone", 1, -0.5, -0.125, new double[] {0.9, 0.85, 0.8})),
                3, 7);
        String html = ZooMapReport.html(r);
        assertTrue(html.contains("PC1 (62.5% of variance)") && html.contains("PC2 (25.0%)"), "axis titles");
        assertTrue(html.contains("mean alpha alone") && html.contains("3-fold cross-validated (seed 7)"), "score table");
        // 5 scatter plots (map, prediction, 3 metrics) of 3 models; each dot's tooltip names its file
        assertEquals(5, html.split("b\\.onnx", -1).length - 1);
    }
}
