package dev.loupe.cli;

import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Problems a user causes in {@code inspect} (damaged weights, bad options, an unwritable --out) exit 2 with one line. */
class TestInspectUserErrors {
    @TempDir
    Path dir;

    @Test
    void nanWeightNamesTheFileAndLayer() {
        float[] v = new float[16 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7) - 3;
        }
        v[21] = Float.NaN;
        Path model = dir.resolve("nan.safetensors");
        SafetensorsWriter.write(model, List.of(Tensor.contiguous("fc.weight", DType.F32, new long[]{16, 8},
                MemorySegment.ofArray(v), null)), Map.of());
        CliRun r = CliRun.of("inspect", "--quiet", model.toString());
        r.assertUserError(model);
        assertTrue(r.err().contains("'fc'") || r.err().contains("'fc.weight'"), r.err());
    }

    @Test
    void threadsOutOfRangeIsAUserError() {
        for (String t : new String[]{"0", "-1", "1025"}) {
            CliRun r = CliRun.of("inspect", "--threads", t, dir.resolve("any.safetensors").toString());
            assertEquals(2, r.exit(), r.err());
            assertEquals("loupe: --threads must be between 1 and 1024, not " + t, r.err().strip());
        }
    }

    @Test
    void outUnderARegularFileIsAUserError() throws Exception {
        Path model = dir.resolve("m.safetensors");
        SafetensorsWriter.write(model, List.of(InspectCommandTest.random("fc.weight", 1, 16, 8)), Map.of());
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a directory");
        CliRun r = CliRun.of("inspect", "--quiet", "--json", "--out", file.resolve("sub").toString(), model.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
