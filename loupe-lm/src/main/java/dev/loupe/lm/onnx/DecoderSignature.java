package dev.loupe.lm.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inputs and the logits output of an ONNX decoder export, read from the session's metadata, and the tensors
 * that feed one window. Accepted: {@code input_ids} [batch, sequence] (int64/int32), optional {@code attention_mask}
 * (all ones) and {@code position_ids} (0..T-1), Hugging Face Optimum's "with past" cache inputs
 * ({@code past_key_values.N.key/value}, fed empty: shape from the metadata with the past length 0 and the batch 1) and
 * the merged decoder's {@code use_cache_branch} (false). Output {@code logits} [batch, sequence, vocab], float or
 * float16. Anything else is not a decoder LM (an encoder's {@code token_type_ids}, a CNN's image input).
 */
record DecoderSignature(String ids, OnnxJavaType idType, String mask, OnnxJavaType maskType, String positions,
                        OnnxJavaType positionType, List<Past> past, String cacheBranch, String logits, OnnxJavaType logitType,
                        int vocab) {
    static final String LOGITS = "logits";

    /** A cache input fed with zero past positions. */
    record Past(String name, long[] shape, OnnxJavaType type) {
    }

    /** The signature, or the one line saying why the model is not an ONNX decoder LM. */
    sealed interface Reading permits Found, NotDecoder {
    }

    record Found(DecoderSignature signature) implements Reading {
    }

    record NotDecoder(String why) implements Reading {
    }

    static Reading read(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        NodeInfo out = outputs.get(LOGITS);
        if (out == null || !(out.getInfo() instanceof TensorInfo lt) || lt.getShape().length != 3
                || (lt.type != OnnxJavaType.FLOAT && lt.type != OnnxJavaType.FLOAT16)) {
            return new NotDecoder("is not a decoder LM: no float output 'logits' [batch, sequence, vocab] (outputs: "
                    + describe(outputs) + ")");
        }
        NodeInfo ids = inputs.get("input_ids");
        if (ids == null || !isIntegers(ids, 2)) {
            return new NotDecoder("is not a decoder LM: no integer input 'input_ids' [batch, sequence] (inputs: " + describe(inputs) + ")");
        }
        String mask = null;
        String positions = null;
        String branch = null;
        List<Past> past = new ArrayList<>();
        for (NodeInfo n : inputs.values()) {
            String name = n.getName();
            switch (name) {
                case "input_ids" -> { }
                case "attention_mask", "position_ids" -> {
                    if (!isIntegers(n, 2)) {
                        return new NotDecoder("input '" + name + "' is not an integer [batch, sequence] tensor: " + brief(n));
                    }
                    if (name.equals("attention_mask")) {
                        mask = name;
                    } else {
                        positions = name;
                    }
                }
                case "use_cache_branch" -> branch = name;
                default -> {
                    if (!name.startsWith("past")) {
                        return new NotDecoder("is not a decoder LM export: input '" + name + "' is none of input_ids, "
                                + "attention_mask, position_ids, past_key_values.*, use_cache_branch");
                    }
                    Reading bad = pastShape(n, past);
                    if (bad != null) {
                        return bad;
                    }
                }
            }
        }
        long v = lt.getShape()[2];
        return new Found(new DecoderSignature("input_ids", type(ids), mask, mask == null ? null : type(inputs.get(mask)),
                positions, positions == null ? null : type(inputs.get(positions)), List.copyOf(past), branch, LOGITS, lt.type,
                v > 0 && v <= Integer.MAX_VALUE ? (int) v : -1));
    }

    /**
     * An empty cache input's shape: fixed dimensions as declared, the batch 1, the past length 0. Symbolic dimensions
     * are told apart by their names (Optimum: batch_size, past_sequence_length), else by position in the
     * [batch, heads, past, head_dim] layout every Optimum decoder uses; any other symbolic dimension cannot be derived.
     */
    private static Reading pastShape(NodeInfo n, List<Past> past) {
        if (!(n.getInfo() instanceof TensorInfo t) || (t.type != OnnxJavaType.FLOAT && t.type != OnnxJavaType.FLOAT16)) {
            return new NotDecoder("cache input '" + n.getName() + "' is not a float tensor: " + brief(n));
        }
        long[] shape = t.getShape().clone();
        String[] dims = t.getDimensionNames();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                continue;
            }
            String d = dims != null && i < dims.length && dims[i] != null ? dims[i].toLowerCase(Locale.ROOT) : "";
            if (d.contains("past")) {
                shape[i] = 0;
            } else if (d.contains("batch") || d.isEmpty() && i == 0) {
                shape[i] = 1;
            } else if (d.isEmpty() && shape.length == 4 && i == 2) {
                shape[i] = 0;
            } else {
                return new NotDecoder("cannot derive the shape of an empty cache for input '" + n.getName() + "' "
                        + java.util.Arrays.toString(t.getShape()) + ": dimension " + i + (d.isEmpty() ? "" : " ('" + dims[i] + "')")
                        + " is symbolic and neither the batch nor the past length");
            }
        }
        past.add(new Past(n.getName(), shape, t.type));
        return null;
    }

    /** The input tensors of a window of {@code ids} at positions 0..T-1 with nothing cached. The caller closes them. */
    Map<String, OnnxTensor> feed(OrtEnvironment env, int[] window) throws OrtException {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            int t = window.length;
            long[] shape = {1, t};
            in.put(ids, ints(env, idType, shape, i -> window[i]));
            if (mask != null) {
                in.put(mask, ints(env, maskType, shape, i -> 1));
            }
            if (positions != null) {
                in.put(positions, ints(env, positionType, shape, i -> i));
            }
            for (Past p : past) {
                in.put(p.name(), OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), p.shape(), p.type()));
            }
            if (cacheBranch != null) {
                in.put(cacheBranch, OnnxTensor.createTensor(env, new boolean[] {false}));
            }
            return in;
        } catch (OrtException | RuntimeException e) {
            in.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static OnnxTensor ints(OrtEnvironment env, OnnxJavaType type, long[] shape, java.util.function.IntUnaryOperator value)
            throws OrtException {
        int n = (int) shape[1];
        if (type == OnnxJavaType.INT32) {
            IntBuffer b = IntBuffer.allocate(n);
            for (int i = 0; i < n; i++) {
                b.put(i, value.applyAsInt(i));
            }
            return OnnxTensor.createTensor(env, b, shape);
        }
        LongBuffer b = LongBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, value.applyAsInt(i));
        }
        return OnnxTensor.createTensor(env, b, shape);
    }

    private static boolean isIntegers(NodeInfo n, int rank) {
        return n.getInfo() instanceof TensorInfo t && t.getShape().length == rank
                && (t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32);
    }

    private static OnnxJavaType type(NodeInfo n) {
        return ((TensorInfo) n.getInfo()).type;
    }

    /** "name FLOAT[-1, 3, 224, 224]": a node as error lines show it. */
    private static String brief(NodeInfo n) {
        return n.getInfo() instanceof TensorInfo t ? n.getName() + " " + t.type + java.util.Arrays.toString(t.getShape())
                : n.getName() + " (not a tensor)";
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        List<String> s = new ArrayList<>();
        nodes.values().stream().limit(6).forEach(n -> s.add(brief(n)));
        return String.join(", ", s) + (nodes.size() > 6 ? ", ..." : "");
    }
}
