package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.testing.MalformedInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and malformed checkpoints: each must fail with one LoupeException that names the file and
 * the problem, never run anything, never throw anything else, hang or exhaust memory.
 */
class TestPyTorchHostile {
    private static final byte[] FOUR_FLOATS = new byte[16];

    @TempDir
    Path dir;

    /** The payload would create this file if anything executed it. */
    private Path marker() {
        return dir.resolve("pwned");
    }

    private String refused(byte[] pickle, String expected, byte[]... storages) {
        Path f = TorchZip.checkpoint(pickle, storages).write(dir.resolve("evil.pt"));
        return refusedFile(f, expected);
    }

    private static String refusedFile(Path f, String expected) {
        String m = MalformedInput.assertRejected(f, expected).getMessage();
        assertTrue(m.startsWith(f.toString() + ": "), m);
        return m;
    }

    private Pickle callWithString(Pickle p) {
        return p.str("touch " + marker()).op(0x85).op('R').stop();
    }

    @Test
    void osSystemViaGlobalIsRefusedAndNotRun() {
        refused(callWithString(new Pickle().proto(2).global("os", "system")).bytes(), "refusing pickle global 'os.system'");
        assertFalse(Files.exists(marker()));
    }

    @Test
    void builtinsEvalViaStackGlobalIsRefused() {
        refused(callWithString(new Pickle().proto(4).stackGlobal("builtins", "eval")).bytes(), "'builtins.eval'");
        assertFalse(Files.exists(marker()));
    }

    @Test
    void subprocessPopenIsRefused() {
        byte[] p = new Pickle().proto(2).global("subprocess", "Popen").op('(').str("touch").str(marker().toString())
                .op('l').op(0x85).op('R').stop().bytes();
        refused(p, "'subprocess.Popen'");
        assertFalse(Files.exists(marker()));
    }

    @Test
    void posixAndPython2BuiltinsAreRefused() {
        refused(callWithString(new Pickle().proto(4).stackGlobal("posix", "system")).bytes(), "'posix.system'");
        refused(callWithString(new Pickle().proto(2).global("__builtin__", "eval")).bytes(), "'__builtin__.eval'");
        // INST names its class in the opcode itself.
        byte[] inst = new Pickle().proto(2).op('(').str("touch x").bytes();
        byte[] tail = "ios\nsystem\n.".getBytes(StandardCharsets.US_ASCII);
        refused(concat(inst, tail), "'os.system'");
        assertFalse(Files.exists(marker()));
    }

    @Test
    void forbiddenGlobalHiddenInsideAValidStateDictIsRefused() {
        byte[] p = new Pickle().proto(2).op('}').op('(').str("w")
                .tensor("torch.FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1})
                .str("x").global("torch", "load").op(')').op('R').op('u').stop().bytes();
        refused(p, "'torch.load'", FOUR_FLOATS);
    }

    @Test
    void hundredThousandNestedListsAreRefused() {
        Pickle p = new Pickle().proto(2);
        for (int i = 0; i < 100_000; i++) {
            p.op('(');
        }
        for (int i = 0; i < 100_000; i++) {
            p.op('l');
        }
        refused(p.stop().bytes(), "nesting deeper than");
    }

    @Test
    void deepDictsBuiltThroughTheMemoAreRefused() {
        // d0 = {}; memo; then repeatedly: push {} , memo it, set it as d_i['k'], fetch it back.
        Pickle p = new Pickle().proto(2).op('}').op(0x94);
        for (int i = 1; i <= 100_000; i++) {
            p.str("k").op('}').op(0x94).op('s').op('0').op('j').u32(i);
        }
        p.op('0').op('j').u32(0);
        refused(p.stop().bytes(), "nested deeper than");
    }

    @Test
    void cyclesAndFloodsThroughTheMemoAreBounded() {
        // d = {}; d['k'] = d: a cycle, which flattening must stop at its depth cap.
        refused(new Pickle().proto(2).op('}').op(0x94).str("k").op('h').op(0).op('s').stop().bytes(), "nested deeper than 64");
        // l = []; l.append(l) five million times: refused by the object budget, not by the heap.
        Pickle flood = new Pickle().proto(2).op(']').op(0x94);
        for (int i = 0; i < 5_000_000; i++) {
            flood.ops('h', 0, 'a');
        }
        refused(flood.stop().bytes(), "more than 4000000 objects");
        Pickle memo = new Pickle().proto(2).op('N');
        for (int i = 0; i <= Unpickler.MAX_MEMO; i++) {
            memo.op('r').u32(i);
        }
        refused(memo.stop().bytes(), "memo larger than 1048576");
    }

    @Test
    void tooManyValuesOnTheStackAreRefused() {
        Pickle p = new Pickle().proto(2);
        for (int i = 0; i < 200_000; i++) {
            p.op(']');
        }
        refused(p.stop().bytes(), "stack deeper than");
    }

    @Test
    void hugeStringLengthsAreRefusedBeforeAllocating() {
        refused(new Pickle().proto(2).op('X').u32(0xfffffff0L).bytes(), "string of 4294967280 bytes");
        refused(new Pickle().proto(2).op('X').u32(0x00fffff0L).bytes(), "pickle is truncated: needs 16777200 bytes");
        refused(new Pickle().proto(4).op(0x8d).u64(1L << 62).bytes(), "at most");
        refused(new Pickle().proto(2).op(0x8b).u32(0x7fffffff).bytes(), "integer of");
    }

    @Test
    void memoIndexOutOfRangeIsRefused() {
        refused(new Pickle().proto(2).op('h').op(5).stop().bytes(), "memo index 5 is out of range");
        refused(new Pickle().proto(2).op('j').u32(0xffffffffL).stop().bytes(), "memo index 4294967295");
    }

    @Test
    void missingStorageEntryIsRefused() {
        byte[] p = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "7", 4, 0, new long[]{4}, new long[]{1}).op('s').stop().bytes();
        refused(p, "storage '7' has no entry archive/data/7", FOUR_FLOATS);
    }

    @Test
    void viewOutsideItsStorageIsRefused() {
        byte[] past = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 2, new long[]{2, 2}, new long[]{2, 1}).op('s').stop().bytes();
        refused(past, "view reaches element 5 of a storage of 4", FOUR_FLOATS);
        byte[] overflow = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 0, new long[]{1L << 40, 1L << 40}, new long[]{1L << 40, 1})
                .op('s').stop().bytes();
        refused(overflow, "tensor 'w'", FOUR_FLOATS);
        byte[] negative = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 3, new long[]{2}, new long[]{-1}).op('s').stop().bytes();
        refused(negative, "negative stride", FOUR_FLOATS);
        byte[] offset = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 9, new long[]{0}, new long[]{1}).op('s').stop().bytes();
        refused(offset, "storage offset 9", FOUR_FLOATS);
    }

    /**
     * A zero-stride view repeats its storage's elements: [2^31, 2^31] or [10^5, 10^5] over one stored float is a
     * 500-byte file that took minutes to decode (ls --verify, inspect) and, twice, overflowed the parameter total.
     */
    @Test
    void hugeViewsOfOneStoredElementAreRefused() {
        byte[] one = new byte[4];
        for (long side : new long[]{1L << 31, 100_000}) {
            byte[] p = new Pickle().proto(2).op('}').op('(').str("a")
                    .tensor("torch.FloatStorage", "0", 1, 0, new long[]{side, side}, new long[]{0, 0})
                    .str("b").tensor("torch.FloatStorage", "0", 1, 0, new long[]{side, side}, new long[]{0, 0})
                    .op('u').stop().bytes();
            refused(p, "zero strides repeat elements", one);
        }
        // torch's expand of a bias to a few rows stays readable: 4 x 3 over 3 stored floats
        byte[] small = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 3, 0, new long[]{4, 3}, new long[]{0, 1}).op('s').stop().bytes();
        Path f = TorchZip.checkpoint(small, new byte[12]).write(dir.resolve("expand.pt"));
        try (var cp = dev.loupe.core.checkpoint.Checkpoints.open(f)) {
            assertEquals(12, cp.parameterCount());
        }
    }

    @Test
    void storageLargerThanItsEntryIsRefused() {
        byte[] p = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.DoubleStorage", "0", 4, 0, new long[]{4}, new long[]{1}).op('s').stop().bytes();
        refused(p, "claims 4 F64 elements but its entry holds 16 bytes", FOUR_FLOATS);
    }

    @Test
    void malformedPickleStructureIsRefused() {
        refused(new Pickle().proto(2).op(0xff).bytes(), "unsupported pickle opcode 0xff");
        refused(new Pickle().proto(2).op(0x82).op(1).stop().bytes(), "unsupported pickle opcode 0x82");
        refused(new Pickle().proto(2).op('}').bytes(), "truncated");
        refused(new Pickle().proto(2).op('}').op('}').stop().bytes(), "STOP with 2 values");
        refused(new Pickle().proto(2).op('s').stop().bytes(), "stack underflow");
        refused(new Pickle().proto(2).op('Q').stop().bytes(), "stack underflow");
        refused(new Pickle().proto(2).integer(3).op('Q').stop().bytes(), "persistent id");
        refused(new Pickle().proto(9).stop().bytes(), "protocol 9");
        refused(new Pickle().proto(2).op('}').op('}').op('}').op('s').stop().bytes(), "dict key of type dict");
        refused(new Pickle().proto(2).integer(1).op(')').op('R').stop().bytes(), "cannot call a int");
    }

    @Test
    void bigEndianCheckpointsAreRefused() {
        byte[] p = new Pickle().proto(2).op('}').stop().bytes();
        Path f = TorchZip.checkpoint(p).add("archive/byteorder", "big".getBytes(StandardCharsets.US_ASCII))
                .write(dir.resolve("be.pt"));
        refusedFile(f, "byteorder is 'big'");
    }

    @Test
    void compressedStorageIsRefused() {
        byte[] p = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1}).op('s').stop().bytes();
        Path f = new TorchZip().add("archive/data.pkl", p).addDeflated("archive/data/0", FOUR_FLOATS).write(dir.resolve("c.pt"));
        refusedFile(f, "zip entry 'archive/data/0' is compressed (method 8)");
    }

    @Test
    void zipWithoutDataPklIsRefused() {
        Path f = new TorchZip().add("archive/data/0", FOUR_FLOATS).write(dir.resolve("nopkl.pt"));
        refusedFile(f, "no <folder>/data.pkl");
    }

    @Test
    void truncatedCentralDirectoryIsRefused() throws IOException {
        byte[] z = valid();
        // Claim one more entry than the directory holds: the reader runs off the directory's end.
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = z.length - 22;
        b.putShort(eocd + 10, (short) (b.getShort(eocd + 10) + 1));
        refusedFile(Files.write(dir.resolve("cd.pt"), z), "zip claims 4 entries, more than its central directory");
        // The directory cut short: the end record moved up over the last central entry.
        byte[] cut = valid();
        int cd = ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).getInt(cut.length - 22 + 16);
        byte[] shortened = concat(Arrays.copyOf(cut, cd + 60), Arrays.copyOfRange(cut, cut.length - 22, cut.length));
        refusedFile(Files.write(dir.resolve("cd1.pt"), shortened), "zip central directory");
        // A directory size that runs past the end of the file.
        byte[] y = valid();
        ByteBuffer.wrap(y).order(ByteOrder.LITTLE_ENDIAN).putInt(y.length - 22 + 12, 1 << 30);
        refusedFile(Files.write(dir.resolve("cd2.pt"), y), "central directory");
        // ZIP64 markers without ZIP64 records.
        byte[] x = valid();
        ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN).putShort(x.length - 22 + 10, (short) -1);
        refusedFile(Files.write(dir.resolve("cd3.pt"), x), "no ZIP64 locator");
    }

    @Test
    void entryOffsetPastEndOfFileIsRefused() throws IOException {
        byte[] z = valid();
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        int cd = b.getInt(z.length - 22 + 16);
        b.putInt(cd + 42, 0x7fffff00);
        refusedFile(Files.write(dir.resolve("off.pt"), z), "local header at offset 2147483392");
        byte[] y = valid();
        ByteBuffer c = ByteBuffer.wrap(y).order(ByteOrder.LITTLE_ENDIAN);
        int cd2 = c.getInt(y.length - 22 + 16);
        c.putInt(cd2 + 20, 1 << 30).putInt(cd2 + 24, 1 << 30);
        refusedFile(Files.write(dir.resolve("size.pt"), y), "runs past the end of the file");
    }

    @Test
    void truncationAtEveryLengthIsRefused() throws IOException {
        byte[] z = Files.readAllBytes(TestPyTorchReader.fixture("module.pt"));
        for (int len = 0; len < z.length; len += 7) {
            Path f = Files.write(dir.resolve("t" + len + ".pt"), Arrays.copyOf(z, len));
            MalformedInput.assertRejected(f, "");
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] good = Files.readAllBytes(TestPyTorchReader.fixture("nested.pt"));
        Random rnd = new Random(20261123);
        int opened = 0;
        for (int i = 0; i < 400; i++) {
            byte[] z = good.clone();
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                // Half the flips hit the zip's central directory and end record at the tail.
                int at = rnd.nextBoolean() ? rnd.nextInt(z.length) : z.length - 1 - rnd.nextInt(400);
                z[at] = (byte) rnd.nextInt(256);
            }
            Path f = Files.write(dir.resolve("r.pt"), z);
            try (Checkpoint cp = new PyTorchReader().open(f)) {
                cp.tensors().forEach(Tensor::toDoubles);
                opened++;
            } catch (LoupeException expected) {
                assertTrue(expected.getMessage().startsWith(f + ": "));
            }
        }
        // Most flips land in tensor bytes and still open; the rest must have failed cleanly.
        assertTrue(opened > 0 && opened < 400, "opened " + opened);
    }

    @Test
    void allowedCallsWithWrongArgumentsAreRefused() {
        byte[] p = new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").integer(1).op(0x85).op('R').stop().bytes();
        refused(p, "malformed torch._utils._rebuild_tensor_v2");
        byte[] q = new Pickle().proto(2).global("collections", "OrderedDict").str("x").op(0x85).op('R').stop().bytes();
        refused(q, "malformed collections.OrderedDict");
    }

    private static byte[] valid() {
        byte[] p = new Pickle().proto(2).op('}').str("w")
                .tensor("torch.FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1}).op('s').stop().bytes();
        return TorchZip.checkpoint(p, FOUR_FLOATS).bytes();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
