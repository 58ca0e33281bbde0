package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.format.pytorch.Pickle;
import dev.loupe.core.format.pytorch.TorchZip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe ls} on torch.save checkpoints, as a black box through the picocli command line. */
class TestLsPyTorch {
    @TempDir
    Path dir;


    @Test
    void listsAModuleStateDict() throws IOException {
        // module.pt: Linear(3,4) + Conv2d(1,2,3) + BatchNorm2d(2), written by fixtures/pytorch/make_pt_fixtures.py.
        Path pt = copy("module.pt");
        CliRun r = CliRun.of("ls", pt.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("0.weight") && l.contains("F32") && l.contains("12")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("1.weight") && l.contains("18")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("2.num_batches_tracked") && l.contains("I64")), r.out());
        // 12+4 + 18+2 + 2+2+2+2 + 1 parameters
        assertTrue(lines.getLast().contains("(PYTORCH): 9 tensors, 45 parameters"), lines.getLast());
    }

    @Test
    void jsonListingOfANestedCheckpoint() throws IOException {
        CliRun r = CliRun.of("ls", "--json", "--filter", "^state_dict\\.2\\.", copy("nested.pt").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("PYTORCH", root.get("format").asText());
        assertEquals(5, root.get("tensors").asInt());
        assertEquals("state_dict.2.weight", root.get("rows").get(0).get("name").asText());
        assertEquals(8, root.get("rows").get(0).get("bytes").asLong());
    }

    @Test
    void osSystemPickleIsRefusedWithExitTwo() {
        Path marker = dir.resolve("pwned");
        byte[] pkl = new Pickle().proto(2).global("os", "system").str("touch " + marker).op(0x85).op('R').stop().bytes();
        Path evil = TorchZip.checkpoint(pkl).write(dir.resolve("evil.pt"));
        CliRun r = CliRun.of("ls", evil.toString());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("loupe: " + evil + ": refusing pickle global 'os.system'"), r.err());
        assertFalse(Files.exists(marker));
    }

    private Path copy(String name) throws IOException {
        try (InputStream in = TestLsPyTorch.class.getResourceAsStream("/pytorch/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

}
