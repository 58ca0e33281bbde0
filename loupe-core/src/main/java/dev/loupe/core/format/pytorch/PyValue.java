package dev.loupe.core.format.pytorch;

import dev.loupe.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The few Python values the restricted unpickler builds besides Java's own String, Long, BigInteger,
 * Double, Boolean, byte[], ArrayList (list) and LinkedHashMap (dict). Records here never print or
 * hash their contents recursively in our code paths, so a hostile cyclic or deep structure cannot
 * overflow the stack.
 */
final class PyValue {
    private PyValue() {
    }

    /** Python's None (Java null is avoided so that stack slots are never ambiguous). */
    enum None { NONE }

    /** A tuple. */
    record Tuple(List<Object> items) {
        Tuple {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return "tuple of " + items.size();
        }
    }

    /** An allowed global that is a value, not a callable: a storage class or a dtype. */
    record Marker(String qualifiedName, DType dtype) {
    }

    /** An allowed global that REDUCE may apply. It only builds Java values; nothing is executed. */
    interface Callable {
        String qualifiedName();

        Object call(List<Object> args);
    }

    /** A storage from the zip: its element type and the bytes (a slice of the memory map). */
    record Storage(String key, DType dtype, MemorySegment bytes) {
    }

    /** What {@code torch._utils._rebuild_tensor_v2} describes: a strided view into a storage. */
    record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
        @Override
        public String toString() {
            return "tensor";
        }
    }

    /** A short description of a value's type for error messages (never its contents). */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "nothing";
            case None n -> "None";
            case String s -> "str";
            case Long l -> "int";
            case java.math.BigInteger b -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case byte[] b -> "bytes";
            case Tuple t -> "tuple";
            case java.util.List<?> l -> "list";
            case java.util.Map<?, ?> m -> "dict";
            case Marker m -> m.qualifiedName();
            case Callable c -> c.qualifiedName();
            case Storage s -> "storage";
            case TensorRef t -> "tensor";
            default -> v.getClass().getSimpleName();
        };
    }
}
