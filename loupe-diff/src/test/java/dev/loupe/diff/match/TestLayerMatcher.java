package dev.loupe.diff.match;

import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.LayerKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestLayerMatcher {
    static WeightMatrix layer(String name, int rows, int cols, String orientation) {
        return new WeightMatrix(name, null, LayerKind.DENSE, "dense", rows, cols, 1, orientation, "", List.of());
    }

    @Test
    void namesThenPrefixesThenShapeAndPosition() {
        List<WeightMatrix> base = List.of(layer("fc1", 8, 4, "out,in"), layer("fc2", 4, 8, "out,in"),
                layer("fc3", 3, 4, "out,in"), layer("head", 2, 3, "out,in"));
        List<WeightMatrix> other = List.of(layer("module.fc2", 4, 8, "out,in"), layer("fc1", 8, 4, "out,in"),
                layer("onnx::MatMul_7", 4, 3, "in,out"), layer("extra", 5, 5, "out,in"));
        Matching m = LayerMatcher.match(base, other);
        assertEquals(3, m.pairs().size());
        assertEquals(MatchRule.NAME, m.pairs().get(0).rule());
        assertEquals("fc1", m.pairs().get(0).other().name());
        assertEquals(MatchRule.NAME_WITHOUT_PREFIX, m.pairs().get(1).rule());
        assertEquals("module.fc2", m.pairs().get(1).other().name());
        assertEquals(MatchRule.SHAPE_POSITION, m.pairs().get(2).rule()); // (in,out) 4x3 is fc3's (out,in) 3x4
        assertEquals("onnx::MatMul_7", m.pairs().get(2).other().name());
        assertEquals(List.of("head"), m.onlyInBase());
        assertEquals(List.of("extra"), m.onlyInOther());
    }

    @Test
    void sameNameWithAnotherShapeIsNotAPair() {
        Matching m = LayerMatcher.match(List.of(layer("fc", 8, 4, "out,in")), List.of(layer("fc", 8, 5, "out,in")));
        assertEquals(0, m.pairs().size());
    }
}
