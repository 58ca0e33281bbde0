package dev.loupe.landscape.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.core.LoupeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-input tensors of one batch, shared by the loss and gradient evaluators: float samples go to
 * the model's first data input; text samples become input_ids, attention_mask (1 on real tokens, 0 on
 * padding) and token_type_ids (all 0, one segment), padded with id 0 ([PAD]) to the batch's longest
 * sequence. Padded positions are masked out of attention by the encoder and out of the mean by
 * {@link SentencePooling}.
 */
public final class BatchInputs {
    private BatchInputs() {
    }

    /** Tensors for samples {@code [from, from + count)}; the caller closes them. */
    public static Map<String, OnnxTensor> of(OrtEnvironment env, ParameterizedModel m, Samples data, int from, int count) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        if (!data.isText()) {
            int per = data.sampleLength();
            long[] shape = new long[data.sampleShape().length + 1];
            shape[0] = count;
            System.arraycopy(data.sampleShape(), 0, shape, 1, data.sampleShape().length);
            FloatBuffer fb = ByteBuffer.allocateDirect(count * per * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            fb.put(data.inputs(), from * per, count * per).rewind();
            feed.put(m.dataInputs().getFirst().name(), OnnxTensor.createTensor(env, fb, shape));
            return feed;
        }
        List<String> names = m.dataInputs().stream().map(ValueType::name).toList();
        if (!names.contains("input_ids") || !names.contains("attention_mask")) {
            throw new LoupeException(m.file(), "text needs a BERT-style encoder with inputs input_ids and attention_mask (has " + names + ")");
        }
        int len = 0;
        for (int s = 0; s < count; s++) {
            len = Math.max(len, data.tokens()[from + s].length);
        }
        LongBuffer ids = longs(count * len), mask = longs(count * len);
        for (int s = 0; s < count; s++) {
            long[] t = data.tokens()[from + s];
            for (int k = 0; k < len; k++) {
                ids.put(k < t.length ? t[k] : 0);
                mask.put(k < t.length ? 1 : 0);
            }
        }
        long[] shape = {count, len};
        feed.put("input_ids", OnnxTensor.createTensor(env, ids.rewind(), shape));
        feed.put("attention_mask", OnnxTensor.createTensor(env, mask.rewind(), shape));
        if (names.contains("token_type_ids")) {
            feed.put("token_type_ids", OnnxTensor.createTensor(env, longs(count * len), shape));
        }
        return feed;
    }

    private static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
