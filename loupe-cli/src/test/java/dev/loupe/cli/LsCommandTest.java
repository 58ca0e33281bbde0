package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe ls} as a black box: arguments in, exit code and captured out/err checked. */
class LsCommandTest {
    @TempDir
    Path dir;
    Path model;



    private static Tensor zeros(String name, DType t, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Tensor.contiguous(name, t, shape, MemorySegment.ofArray(new byte[(int) (n * t.elementBytes())]), null);
    }

    @BeforeEach
    void writeModel() {
        model = dir.resolve("tiny.safetensors");
        // 2*3 + 3 + 4*1024 = 4105 parameters; bytes 6*4 + 3*4 + 4096*2 = 8228
        SafetensorsWriter.write(model, List.of(zeros("encoder.weight", DType.F32, 2, 3), zeros("encoder.bias", DType.F32, 3),
                zeros("embed.tokens", DType.BF16, 4, 1024)), Map.of("format", "pt"));
    }

    @Test
    void tableListsEveryTensorAndTotals() {
        CliRun r = CliRun.of("ls", model.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("name", "dtype", "shape", "params", "bytes"), List.of(lines.get(0).trim().split("\\s+")));
        // header, rule, 3 rows, totals
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("encoder\\.weight\\s+F32\\s+\\[2x3\\]\\s+6\\s+24 B")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("encoder\\.bias\\s+F32\\s+\\[3\\]\\s+3\\s+12 B")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("embed\\.tokens\\s+BF16\\s+\\[4x1024\\]\\s+4,096\\s+8\\.0 KiB")), r.out());
        assertTrue(lines.getLast().endsWith("(SAFETENSORS): 3 tensors, 4,105 parameters, 8.0 KiB"), lines.getLast());
    }

    @Test
    void jsonParsesAndTotalsAreRight() throws IOException {
        CliRun r = CliRun.of("ls", "--json", model.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("SAFETENSORS", j.get("format").asText());
        assertEquals(3, j.get("tensors").asInt());
        assertEquals(4105, j.get("parameters").asLong());
        assertEquals(8228, j.get("bytes").asLong());
        assertEquals("pt", j.get("metadata").get("format").asText());
        long params = 0;
        long bytes = 0;
        for (JsonNode row : j.get("rows")) {
            params += row.get("parameters").asLong();
            bytes += row.get("bytes").asLong();
        }
        assertEquals(4105, params);
        assertEquals(8228, bytes);
        // rows come in file order: the writer stores wider dtypes first, so F32 before BF16
        assertEquals(List.of("encoder.bias", "encoder.weight", "embed.tokens"),
                j.get("rows").valueStream().map(n -> n.get("name").asText()).toList());
        JsonNode embed = j.get("rows").get(2);
        assertEquals("BF16", embed.get("dtype").asText());
        assertEquals(List.of(4L, 1024L), List.of(embed.get("shape").get(0).asLong(), embed.get("shape").get(1).asLong()));
    }

    @Test
    void filterKeepsMatchingTensorsAndTotalsThem() throws IOException {
        CliRun r = CliRun.of("ls", "--json", "--filter", "^encoder\\.", model.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("tensors").asInt());
        assertEquals(9, j.get("parameters").asLong());
        assertEquals(36, j.get("bytes").asLong());
        CliRun none = CliRun.of("ls", "--filter", "nothing-matches", model.toString());
        assertEquals(0, none.exit());
        assertTrue(none.out().lines().toList().getLast().contains(": 0 tensors, 0 parameters, 0 B"), none.out());
    }

    @Test
    void malformedFileIsOneLineExit2() throws IOException {
        Path bad = dir.resolve("broken.safetensors");
        byte[] good = Files.readAllBytes(model);
        Files.write(bad, java.util.Arrays.copyOf(good, good.length - 100)); // truncated inside the data
        CliRun r = CliRun.of("ls", bad.toString());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.getFirst().startsWith("loupe: ") && err.getFirst().contains("broken.safetensors")
                && err.getFirst().contains("past the end of the data section"), err.getFirst());
    }

    @Test
    void missingFileIsExit2() {
        CliRun r = CliRun.of("ls", dir.resolve("absent.safetensors").toString());
        assertEquals(2, r.exit());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.getFirst().contains("absent.safetensors") && err.getFirst().contains("no such file"), err.getFirst());
    }
}
