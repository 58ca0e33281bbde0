package dev.loupe.core.format.sentencepiece;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture's tokenizer.model (trained by SentencePiece 0.1.97, fixtures/lm/make_spm_fixture.py) read piece by piece
 * against what SentencePieceProcessor reports of it (spm-reference.json: IdToPiece, GetScore, and the types
 * llama.cpp's converter derives); hostile files are one line.
 */
class TestSentencePieceModel {
    @TempDir
    Path dir;

    private static final Path MODEL = Fixtures.dir().resolve("lm/llama-spm/tokenizer.model");

    @Test
    void piecesScoresAndTypesAsSentencePieceReadsThem() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("lm/llama-spm/spm-reference.json").toFile());
        SentencePieceModel m = SentencePieceModel.read(MODEL);
        assertEquals(512, m.pieces().size());
        int bytes = 0;
        for (int i = 0; i < 512; i++) {
            SentencePieceModel.Piece p = m.pieces().get(i);
            assertEquals(ref.get("tokens").get(i).asText(), p.piece(), "piece " + i);
            assertEquals((float) ref.get("scores").get(i).asDouble(), p.score(), "score " + i);
            int t = ref.get("token_type").get(i).asInt();
            SentencePieceModel.Type want = switch (t) {
                case 2 -> SentencePieceModel.Type.UNKNOWN;
                case 3 -> SentencePieceModel.Type.CONTROL;
                case 5 -> SentencePieceModel.Type.UNUSED;
                case 6 -> SentencePieceModel.Type.BYTE;
                default -> p.piece().equals("<sep>") ? SentencePieceModel.Type.USER_DEFINED : SentencePieceModel.Type.NORMAL;
            };
            assertEquals(want, p.type(), "type " + i);
            bytes += p.type() == SentencePieceModel.Type.BYTE ? 1 : 0;
        }
        assertEquals(256, bytes);
        assertEquals(new SentencePieceModel.Piece("<0x0A>", 0f, SentencePieceModel.Type.BYTE), m.pieces().get(4 + 10));
    }

    @Test
    void truncatedGarbageAndEmptyFilesAreOneLine() throws IOException {
        byte[] real = Files.readAllBytes(MODEL);
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        for (byte[] content : new byte[][] {Arrays.copyOf(real, real.length / 3), Arrays.copyOf(real, 7), garbage, new byte[0]}) {
            Path f = dir.resolve("tokenizer.model");
            Files.write(f, content);
            LoupeException e = assertThrows(LoupeException.class, () -> SentencePieceModel.read(f));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains("tokenizer.model"), e.getMessage());
            assertTrue(e.getMessage().contains("not a valid SentencePiece model file"), e.getMessage());
        }
    }
}
