package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.DType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The allow-list of pickle globals: exactly what a torch.save'd state_dict refers to. Each allowed
 * name maps to a Java value builder or a marker; every other name (os.system, builtins.eval,
 * subprocess.Popen, ...) is refused by name. Nothing is imported or executed either way.
 */
final class TorchGlobals {
    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("torch.FloatStorage", DType.F32), Map.entry("torch.DoubleStorage", DType.F64),
            Map.entry("torch.HalfStorage", DType.F16), Map.entry("torch.BFloat16Storage", DType.BF16),
            Map.entry("torch.LongStorage", DType.I64), Map.entry("torch.IntStorage", DType.I32),
            Map.entry("torch.ShortStorage", DType.I16), Map.entry("torch.CharStorage", DType.I8),
            Map.entry("torch.ByteStorage", DType.U8), Map.entry("torch.BoolStorage", DType.BOOL),
            // Untyped storages count bytes; a tensor over one reads them as U8 unless a dtype says otherwise.
            Map.entry("torch.UntypedStorage", DType.U8), Map.entry("torch.storage.UntypedStorage", DType.U8),
            Map.entry("torch.float32", DType.F32), Map.entry("torch.float", DType.F32),
            Map.entry("torch.float64", DType.F64), Map.entry("torch.double", DType.F64),
            Map.entry("torch.float16", DType.F16), Map.entry("torch.half", DType.F16),
            Map.entry("torch.bfloat16", DType.BF16),
            Map.entry("torch.int64", DType.I64), Map.entry("torch.long", DType.I64),
            Map.entry("torch.int32", DType.I32), Map.entry("torch.int", DType.I32),
            Map.entry("torch.int16", DType.I16), Map.entry("torch.short", DType.I16),
            Map.entry("torch.int8", DType.I8), Map.entry("torch.uint8", DType.U8), Map.entry("torch.bool", DType.BOOL),
            Map.entry("torch.float8_e4m3fn", DType.F8_E4M3), Map.entry("torch.float8_e5m2", DType.F8_E5M2));
    /** Classes that only appear as the type argument of _rebuild_from_type_v2. */
    private static final List<String> TENSOR_TYPES = List.of("torch.Tensor", "torch.nn.parameter.Parameter");

    private final Path file;

    TorchGlobals(Path file) {
        this.file = file;
    }

    /** The value of global {@code module.name}, or a LoupeException refusing it. */
    Object resolve(String module, String name) {
        String q = module + "." + name;
        DType storage = STORAGES.get(q);
        if (storage != null || TENSOR_TYPES.contains(q)) {
            return new PyValue.Marker(q, storage);
        }
        return switch (q) {
            case "collections.OrderedDict" -> callable(q, this::orderedDict);
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> callable(q, a -> tensor(q, a));
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> callable(q, a -> {
                need(q, a, 1, 4);
                return tensorArg(q, a.getFirst());
            });
            case "torch._tensor._rebuild_from_type_v2" -> callable(q, this::fromType);
            default -> throw new LoupeException(file, "refusing pickle global '" + q
                    + "': Loupe reads only state_dict tensors and never runs code from a checkpoint");
        };
    }

    private PyValue.Callable callable(String q, Function<List<Object>, Object> f) {
        return new PyValue.Callable() {
            @Override
            public String qualifiedName() {
                return q;
            }

            @Override
            public Object call(List<Object> args) {
                return f.apply(args);
            }
        };
    }

    /** OrderedDict() or OrderedDict([(k, v), ...]); items usually follow through SETITEMS. */
    private Object orderedDict(List<Object> args) {
        Map<Object, Object> d = new LinkedHashMap<>();
        if (args.isEmpty()) {
            return d;
        }
        if (args.size() == 1 && args.getFirst() instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (!(p instanceof PyValue.Tuple t) || t.items().size() != 2 || !(t.items().getFirst() instanceof String k)) {
                    throw bad("collections.OrderedDict", "items must be (str, value) pairs");
                }
                d.put(k, t.items().get(1));
            }
            return d;
        }
        throw bad("collections.OrderedDict", "unexpected arguments");
    }

    /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]). */
    private Object tensor(String q, List<Object> a) {
        need(q, a, 4, 7);
        if (!(a.get(0) instanceof PyValue.Storage s)) {
            throw bad(q, "first argument is a " + PyValue.typeName(a.get(0)) + ", not a storage");
        }
        if (!(a.get(1) instanceof Long offset)) {
            throw bad(q, "storage offset is not an int");
        }
        return new PyValue.TensorRef(s, offset, ints(q, a.get(2)), ints(q, a.get(3)));
    }

    /** _rebuild_from_type_v2(func, type, args, state): a plain Tensor or Parameter built by an allowed func. */
    private Object fromType(List<Object> a) {
        String q = "torch._tensor._rebuild_from_type_v2";
        need(q, a, 4, 4);
        if (!(a.get(0) instanceof PyValue.Callable f) || !(a.get(1) instanceof PyValue.Marker t)
                || !TENSOR_TYPES.contains(t.qualifiedName()) || !(a.get(2) instanceof PyValue.Tuple args)) {
            throw bad(q, "expects an allowed rebuild function, a tensor type and an argument tuple");
        }
        return tensorArg(q, f.call(args.items()));
    }

    private Object tensorArg(String q, Object t) {
        if (!(t instanceof PyValue.TensorRef)) {
            throw bad(q, "expects a tensor, got a " + PyValue.typeName(t));
        }
        return t;
    }

    private long[] ints(String q, Object v) {
        if (!(v instanceof PyValue.Tuple t) || t.items().size() > 64) {
            throw bad(q, "size/stride is not a tuple of at most 64 ints");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long l)) {
                throw bad(q, "size/stride holds a " + PyValue.typeName(t.items().get(i)));
            }
            out[i] = l;
        }
        return out;
    }

    private void need(String q, List<Object> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw bad(q, "called with " + a.size() + " arguments");
        }
    }

    private LoupeException bad(String q, String problem) {
        return new LoupeException(file, "data.pkl: malformed " + q + ": " + problem);
    }
}
