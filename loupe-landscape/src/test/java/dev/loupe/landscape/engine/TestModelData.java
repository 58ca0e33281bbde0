package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.NpyWriter;
import dev.loupe.landscape.TinyMlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestModelData {
    @TempDir
    Path dir;

    /** 5 examples of x[i][j] = 10 i + j (the MLP's 4 inputs), labels 0,1,0,1,0 as CSV. */
    private Path[] tensors(int width) throws IOException {
        float[][] x = new float[5][width];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < width; j++) {
                x[i][j] = 10 * i + j;
            }
        }
        Path data = dir.resolve("x" + width + ".npy");
        NpyWriter.write(data, x);
        return new Path[] {data, Files.writeString(dir.resolve("y.csv"), "0\n1\n0\n1\n0\n")};
    }

    @Test
    void takesTheFirstSamplesWithTheirLabelsInTheModelsShape() throws IOException {
        Path[] f = tensors(TinyMlp.IN);
        ModelData d = new ModelData(new TinyMlp(1).write(dir), new ModelData.Tensors(f[0], f[1]), null, s -> { });
        assertEquals(LossKind.CROSS_ENTROPY, d.loss());
        try (ParameterizedModel m = d.open(n -> true)) {
            Samples s = d.samples(m, 3, 2);
            assertEquals(3, s.size());
            assertArrayEquals(new long[] {TinyMlp.IN}, s.sampleShape());
            assertArrayEquals(new float[] {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, s.inputs());
            assertArrayEquals(new int[] {0, 1, 0}, s.labels());
        }
    }

    @Test
    void refusesExamplesOfTheWrongSizeNamingTheDataAndTheModel() throws IOException {
        Path[] f = tensors(TinyMlp.IN + 1);
        ModelData d = new ModelData(new TinyMlp(1).write(dir), new ModelData.Tensors(f[0], f[1]), null, s -> { });
        try (ParameterizedModel m = d.open(n -> true)) {
            String msg = assertThrows(LoupeException.class, () -> d.samples(m, 3, 2)).getMessage();
            assertTrue(msg.contains("x5.npy") && msg.contains("mlp.onnx") && msg.contains("5 values"), msg);
        }
    }

    @Test
    void textTakesOnlyTheMseOfItsEmbeddings() {
        ModelData.Text t = new ModelData.Text(dir.resolve("s.txt"), null, null);
        assertEquals(LossKind.MSE, new ModelData(dir.resolve("m.onnx"), t, null, s -> { }).loss());
        assertThrows(LoupeException.class, () -> new ModelData(dir.resolve("m.onnx"), t, LossKind.CROSS_ENTROPY, s -> { }));
    }
}
