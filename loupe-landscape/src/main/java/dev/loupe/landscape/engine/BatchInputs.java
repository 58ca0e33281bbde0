package dev.loupe.landscape.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.runtime.text.TextFeed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-input tensors of one batch, shared by the loss and gradient evaluators: float samples go to
 * the model's first data input; text samples go through loupe-runtime's {@link TextFeed} (padded input_ids,
 * attention_mask, token_type_ids), whose padded positions {@link SentencePooling} masks out of the mean.
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
        TextFeed.requireEncoder(m.file(), names);
        return TextFeed.of(env, Arrays.asList(data.tokens()).subList(from, from + count), names);
    }
}
