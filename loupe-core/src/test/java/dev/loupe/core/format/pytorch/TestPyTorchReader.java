package dev.loupe.core.format.pytorch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the fixtures written by fixtures/pytorch/make_pt_fixtures.py with real torch 1.13 and
 * compares every tensor with the values torch itself wrote into the *.expected.json next to it.
 */
class TestPyTorchReader {
    static Path fixture(String name) {
        try {
            return Path.of(TestPyTorchReader.class.getResource("/pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.pt", "views.pt", "shared.pt", "module.pt", "nested.pt", "params.pt", "proto4.pt",
            "sharded/pytorch_model-00001-of-00002.bin", "sharded/pytorch_model.bin.index.json"})
    void matchesWhatTorchWrote(String name) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(fixture(name + ".expected.json").toFile()).get("tensors");
        try (Checkpoint cp = Checkpoints.open(fixture(name))) {
            assertEquals(CheckpointFormat.PYTORCH, cp.format());
            List<Tensor> ts = cp.tensors();
            assertEquals(names(expected), ts.stream().map(Tensor::name).toList());
            for (int i = 0; i < ts.size(); i++) {
                Tensor t = ts.get(i);
                JsonNode e = expected.get(i);
                assertEquals(DType.valueOf(e.get("dtype").asText()), t.dtype(), t.name());
                long[] shape = new long[e.get("shape").size()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = e.get("shape").get(d).asLong();
                }
                assertArrayEquals(shape, t.shape(), t.name());
                double[] want = new double[e.get("values").size()];
                for (int k = 0; k < want.length; k++) {
                    want[k] = e.get("values").get(k).asDouble();
                }
                // Bit-exact: every dtype here converts to double without rounding.
                assertArrayEquals(want, t.toDoubles(), 0.0, t.name());
                float[] f = t.toFloats();
                double sum = 0;
                for (float v : f) {
                    sum += v;
                }
                assertEquals(e.get("sum").asDouble(), sum, 1e-4 * (1 + Math.abs(sum)), t.name());
            }
        }
    }

    @Test
    void viewsKeepTheirLayout() {
        try (Checkpoint cp = Checkpoints.open(fixture("views.pt"))) {
            assertFalse(cp.tensor("transposed").orElseThrow().isContiguous());
            assertFalse(cp.tensor("sliced").orElseThrow().isContiguous());
            assertFalse(cp.tensor("every_other").orElseThrow().isContiguous());
            // base[2] of a 4x6 storage: contiguous, 6 elements starting at element 12 (byte 48).
            Tensor row = cp.tensor("row").orElseThrow();
            assertTrue(row.isContiguous());
            assertEquals(24, row.storedBytes().byteSize());
        }
    }

    @Test
    void sharedStorageIsOneZeroCopySlice() {
        try (Checkpoint cp = Checkpoints.open(fixture("shared.pt"))) {
            Tensor a = cp.tensor("a").orElseThrow();
            Tensor b = cp.tensor("b").orElseThrow();
            // b = arange(12)[4:10]: its bytes start 4 floats into a's, in the same mapping.
            assertEquals(a.storedBytes().address() + 16, b.storedBytes().address());
            assertEquals(cp.byteSize(), 12 * 4 + 6 * 4);
        }
    }

    @Test
    void moduleStateDictHasBatchNormCounters() {
        try (Checkpoint cp = Checkpoints.open(fixture("module.pt"))) {
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias",
                    "2.running_mean", "2.running_var", "2.num_batches_tracked"),
                    cp.tensors().stream().map(Tensor::name).toList());
            Tensor n = cp.tensor("2.num_batches_tracked").orElseThrow();
            assertEquals(DType.I64, n.dtype());
            assertEquals(0, n.rank());
            assertEquals(5.0, n.toDoubles()[0]);
            assertEquals("module", cp.metadata().get("archive"));
        }
    }

    @Test
    void shardIndexOpensAsOneCheckpoint() {
        try (Checkpoint cp = Checkpoints.open(fixture("sharded/pytorch_model.bin.index.json"))) {
            assertEquals(CheckpointFormat.PYTORCH, cp.format());
            assertEquals("2", cp.metadata().get("shards"));
            assertEquals(3 * 2 + 3 + 2 * 3, cp.parameterCount());
        }
    }

    @Test
    void legacyFormatGetsTheResaveMessage() {
        LoupeException e = assertThrows(LoupeException.class, () -> Checkpoints.open(fixture("legacy.pt")));
        assertTrue(e.getMessage().contains("legacy.pt: legacy PyTorch format is unsupported; re-save with torch >= 1.6"),
                e.getMessage());
    }

    @Test
    void acceptsZipByExtensionOrDataPkl(@TempDir Path dir) throws IOException {
        PyTorchReader r = new PyTorchReader();
        byte[] zip = TorchZip.checkpoint(new Pickle().proto(2).op('}').stop().bytes()).bytes();
        Path odd = Files.write(dir.resolve("weights.zip"), zip);
        Path other = Files.write(dir.resolve("other.zip"), new TorchZip().add("x/y.txt", new byte[3]).bytes());
        assertTrue(r.accepts(fixture("module.pt"), Files.readAllBytes(fixture("module.pt"))));
        assertTrue(r.accepts(odd, zip));
        assertFalse(r.accepts(other, Files.readAllBytes(other)));
        assertFalse(r.accepts(dir.resolve("model.pt"), "{\"a\":1}".getBytes(StandardCharsets.US_ASCII)));
        try (Checkpoint cp = Checkpoints.open(odd)) {
            assertEquals(0, cp.tensors().size());
        }
    }

    @Test
    void zip64RecordsAndUntypedStorageWithDtype(@TempDir Path dir) {
        // torch.storage.UntypedStorage counts bytes; a dtype global in its place types the storage.
        byte[] storage = new byte[16];
        java.nio.ByteBuffer.wrap(storage).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(8f);
        byte[] pkl = new Pickle().proto(2).op('}').op('(').str("w")
                .tensor("torch.float32", "0", 4, 1, new long[]{3}, new long[]{1})
                .str("raw").tensor("torch.storage.UntypedStorage", "1", 16, 0, new long[]{2}, new long[]{1})
                .op('u').stop().bytes();
        Path g = TorchZip.checkpoint(pkl, storage, new byte[]{7, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                .zip64().write(dir.resolve("z64.pt"));
        try (Checkpoint cp = Checkpoints.open(g)) {
            assertEquals(List.of("w", "raw"), cp.tensors().stream().map(Tensor::name).toList());
            assertArrayEquals(new double[]{-2, 0.25, 8}, cp.tensor("w").orElseThrow().toDoubles(), 0.0);
            assertEquals(DType.U8, cp.tensor("raw").orElseThrow().dtype());
            assertArrayEquals(new double[]{7, 9}, cp.tensor("raw").orElseThrow().toDoubles(), 0.0);
        }
    }

    @Test
    void torch2StyleSubclassRebuildAndLittleByteorder(@TempDir Path dir) {
        // torch >= 2 wraps Parameters as _rebuild_from_type_v2(_rebuild_tensor_v2, Parameter, args, state)
        // and writes a "byteorder" record; both are hand-built here (only torch 1.13 is installed).
        byte[] storage = new byte[8];
        java.nio.ByteBuffer.wrap(storage).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(3f).putFloat(-1f);
        Pickle p = new Pickle().proto(2).op('}').str("p").global("torch._tensor", "_rebuild_from_type_v2").op('(')
                .global("torch._utils", "_rebuild_tensor_v2").global("torch.nn.parameter", "Parameter").op('(')
                .op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(2).op('t').op('Q')
                .integer(0).ints(2).ints(1).op(0x88).global("collections", "OrderedDict").op(')').op('R').op('t')
                .op('}').op('t').op('R').op('s').stop();
        Path f = TorchZip.checkpoint(p.bytes(), storage).add("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII))
                .write(dir.resolve("t2.pt"));
        try (Checkpoint cp = Checkpoints.open(f)) {
            assertArrayEquals(new double[]{3, -1}, cp.tensor("p").orElseThrow().toDoubles(), 0.0);
            assertEquals("little", cp.metadata().get("byteorder"));
            assertEquals("archive", cp.metadata().get("archive"));
        }
    }

    private static List<String> names(JsonNode expected) {
        List<String> out = new ArrayList<>();
        expected.forEach(e -> out.add(e.get("name").asText()));
        return out;
    }
}
