package dev.loupe.runtime.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.core.LoupeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way token ids reach a BERT-style encoder: {@code input_ids}, {@code attention_mask} (1 on real tokens,
 * 0 on padding) and, when the model takes it, {@code token_type_ids} (all 0: one segment), padded with id 0
 * ([PAD]) to the longest sequence of the batch. The encoder masks padded positions out of attention; poolers
 * mask them out of the mean. Used by the sentence embedder, compression's calibration and the loss landscape.
 */
public final class TextFeed {
    private TextFeed() {
    }

    /** Refuses a model that is not a BERT-style encoder, naming its inputs. */
    public static void requireEncoder(Path model, Collection<String> inputNames) {
        if (!inputNames.contains("input_ids") || !inputNames.contains("attention_mask")) {
            throw new LoupeException(model, "is not a BERT-style encoder (inputs " + inputNames + ", need input_ids and attention_mask)");
        }
    }

    /** The input tensors of {@code batch} (each a sentence's ids incl. [CLS]/[SEP]); the caller closes them. */
    public static Map<String, OnnxTensor> of(OrtEnvironment env, List<long[]> batch, Collection<String> inputNames)
            throws OrtException {
        int len = 0;
        for (long[] t : batch) {
            len = Math.max(len, t.length);
        }
        int count = batch.size();
        LongBuffer ids = longs(count * len);
        LongBuffer mask = longs(count * len);
        for (long[] t : batch) {
            for (int k = 0; k < len; k++) {
                ids.put(k < t.length ? t[k] : 0);
                mask.put(k < t.length ? 1 : 0);
            }
        }
        long[] shape = {count, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        feed.put("input_ids", OnnxTensor.createTensor(env, ids.rewind(), shape));
        feed.put("attention_mask", OnnxTensor.createTensor(env, mask.rewind(), shape));
        if (inputNames.contains("token_type_ids")) {
            feed.put("token_type_ids", OnnxTensor.createTensor(env, longs(count * len), shape));
        }
        return feed;
    }

    private static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
