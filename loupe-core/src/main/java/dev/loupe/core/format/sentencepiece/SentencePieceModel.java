package dev.loupe.core.format.sentencepiece;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.onnx.ProtoReader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece model file ({@code tokenizer.model}: the protobuf {@code ModelProto} of github google/sentencepiece,
 * src/sentencepiece_model.proto), read as data with the project's protobuf reader: its pieces in id order, each with
 * its score and type. Only {@code pieces = 1} ({@code piece = 1}, {@code score = 2}, {@code type = 3}) is read; the
 * trainer and normalizer specs are skipped. Nothing in the file is executed; a truncated or malformed file, a piece that
 * is not UTF-8, an unknown type or a model without pieces is one {@link LoupeException} naming the file.
 */
public record SentencePieceModel(List<Piece> pieces) {
    /** The piece types of sentencepiece_model.proto ({@code SentencePiece.Type}, proto numbers 1..6). */
    public enum Type { NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE }

    /** One vocabulary entry. */
    public record Piece(String piece, float score, Type type) {
    }

    /** Larger than any real piece (they are a few bytes); bounds what a hostile length may allocate. */
    private static final int MAX_PIECE_BYTES = 1 << 16;

    public SentencePieceModel {
        pieces = List.copyOf(pieces);
    }

    public static SentencePieceModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
        MemorySegment seg = MemorySegment.ofArray(bytes);
        ProtoReader model = new ProtoReader(seg, file, "SentencePiece model", "ModelProto", 0, bytes.length);
        List<Piece> pieces = new ArrayList<>();
        while (model.next()) {
            if (model.field() == 1 && model.wireType() == 2) {
                pieces.add(piece(model.sub("piece " + pieces.size(), model.lengthDelimited())));
            } else {
                model.skip();
            }
        }
        if (pieces.isEmpty()) {
            throw model.fail("no pieces (field 1 of ModelProto)");
        }
        return new SentencePieceModel(pieces);
    }

    private static Piece piece(ProtoReader p) {
        String text = null;
        float score = 0;
        Type type = Type.NORMAL; // the proto's default
        while (p.next()) {
            switch (p.field()) {
                case 1 -> text = p.string(MAX_PIECE_BYTES);
                case 2 -> score = Float.intBitsToFloat(p.fixed32());
                case 3 -> {
                    int t = p.int32();
                    if (t < 1 || t > Type.values().length) {
                        throw p.fail("piece type " + t + " is not one of sentencepiece_model.proto's 1..6");
                    }
                    type = Type.values()[t - 1];
                }
                default -> p.skip();
            }
        }
        if (text == null) {
            throw p.fail("a piece without its text");
        }
        return new Piece(text, score, type);
    }
}
