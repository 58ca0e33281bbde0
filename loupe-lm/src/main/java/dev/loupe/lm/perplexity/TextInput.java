package dev.loupe.lm.perplexity;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A text file read whole, as perplexity evaluations take it (the HF guide joins the dataset into one string). */
public final class TextInput {
    /** Larger texts are split by the user; 1 GiB of UTF-8 is far beyond any evaluation set. */
    private static final long MAX_BYTES = 1L << 30;

    private TextInput() {
    }

    public static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new LoupeException(file, "no such file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new LoupeException(file, "is larger than 1 GiB; evaluate a part of it");
            }
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            if (s.isBlank()) {
                throw new LoupeException(file, "is empty");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new LoupeException(file, "is not UTF-8 text", e);
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
