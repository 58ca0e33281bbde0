package dev.loupe.lm.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.core.graph.ValueInfo;
import dev.loupe.core.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inputs and the logits output of an ONNX decoder export, read from what the graph declares (no session is
 * opened to decide whether a model is a decoder), and the tensors
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

    /** From the graph's fed inputs (initializers excluded, as ONNX Runtime does) and its outputs, in file order. */
    static Reading read(List<ValueInfo> feeds, List<ValueInfo> results) {
        Map<String, ValueInfo> inputs = byName(feeds);
        Map<String, ValueInfo> outputs = byName(results);
        ValueInfo out = outputs.get(LOGITS);
        OnnxJavaType logitType = out == null ? null : ortType(out);
        if (out == null || out.shape() == null || out.shape().size() != 3
                || (logitType != OnnxJavaType.FLOAT && logitType != OnnxJavaType.FLOAT16)) {
            return new NotDecoder("is not a decoder LM: no float output 'logits' [batch, sequence, vocab] (outputs: "
                    + describe(outputs) + ")");
        }
        ValueInfo ids = inputs.get("input_ids");
        if (ids == null || !isIntegers(ids, 2)) {
            return new NotDecoder("is not a decoder LM: no integer input 'input_ids' [batch, sequence] (inputs: " + describe(inputs) + ")");
        }
        String mask = null;
        String positions = null;
        String branch = null;
        List<Past> past = new ArrayList<>();
        for (ValueInfo n : inputs.values()) {
            String name = n.name();
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
        long v = out.shape().get(2).size();
        return new Found(new DecoderSignature("input_ids", ortType(ids), mask, mask == null ? null : ortType(inputs.get(mask)),
                positions, positions == null ? null : ortType(inputs.get(positions)), List.copyOf(past), branch, LOGITS, logitType,
                v > 0 && v <= Integer.MAX_VALUE ? (int) v : -1));
    }

    /**
     * An empty cache input's shape: fixed dimensions as declared, the batch 1, the past length 0. Symbolic dimensions
     * are told apart by their names (Optimum: batch_size, past_sequence_length), else by position in the
     * [batch, heads, past, head_dim] layout every Optimum decoder uses; any other symbolic dimension cannot be derived.
     */
    private static Reading pastShape(ValueInfo n, List<Past> past) {
        OnnxJavaType type = ortType(n);
        if (n.shape() == null || (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16)) {
            return new NotDecoder("cache input '" + n.name() + "' is not a float tensor: " + brief(n));
        }
        long[] shape = n.sizes();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                continue;
            }
            String name = n.shape().get(i).param();
            String d = name.toLowerCase(Locale.ROOT);
            if (d.contains("past")) {
                shape[i] = 0;
            } else if (d.contains("batch") || d.isEmpty() && i == 0) {
                shape[i] = 1;
            } else if (d.isEmpty() && shape.length == 4 && i == 2) {
                shape[i] = 0;
            } else {
                return new NotDecoder("cannot derive the shape of an empty cache for input '" + n.name() + "' "
                        + java.util.Arrays.toString(n.sizes()) + ": dimension " + i + (d.isEmpty() ? "" : " ('" + name + "')")
                        + " is symbolic and neither the batch nor the past length");
            }
        }
        past.add(new Past(n.name(), shape, type));
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

    private static boolean isIntegers(ValueInfo n, int rank) {
        OnnxJavaType t = ortType(n);
        return n.shape() != null && n.shape().size() == rank && (t == OnnxJavaType.INT64 || t == OnnxJavaType.INT32);
    }

    /** The ONNX Runtime Java type a declared element type is fed or read as; null for none or one not used here. */
    private static OnnxJavaType ortType(ValueInfo n) {
        DType t = n.elementType();
        return t == null ? null : switch (t) {
            case F32 -> OnnxJavaType.FLOAT;
            case F16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case F64 -> OnnxJavaType.DOUBLE;
            case I64 -> OnnxJavaType.INT64;
            case I32 -> OnnxJavaType.INT32;
            case I16 -> OnnxJavaType.INT16;
            case I8 -> OnnxJavaType.INT8;
            case U8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> null;
        };
    }

    private static Map<String, ValueInfo> byName(List<ValueInfo> values) {
        Map<String, ValueInfo> out = new LinkedHashMap<>();
        values.forEach(v -> out.putIfAbsent(v.name(), v));
        return out;
    }

    /** "name FLOAT[-1, 3, 224, 224]": a value as error lines show it (ONNX Runtime's type names, −1 for symbolic). */
    private static String brief(ValueInfo n) {
        OnnxJavaType t = ortType(n);
        String type = t != null ? t.toString() : n.elementType() != null ? n.elementType().toString() : "";
        return n.shape() == null ? n.name() + (type.isEmpty() ? " (no declared tensor shape)" : " " + type + "[?]")
                : n.name() + " " + type + java.util.Arrays.toString(n.sizes());
    }

    private static String describe(Map<String, ValueInfo> nodes) {
        List<String> s = new ArrayList<>();
        nodes.values().stream().limit(6).forEach(n -> s.add(brief(n)));
        return String.join(", ", s) + (nodes.size() > 6 ? ", ..." : "");
    }
}
