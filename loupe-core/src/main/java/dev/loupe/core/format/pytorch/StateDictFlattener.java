package dev.loupe.core.format.pytorch;

import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the unpickled object into named tensors. Nested dicts (a checkpoint like
 * {@code {'epoch': 3, 'state_dict': {...}}}) give dotted names ({@code state_dict.fc.weight});
 * values that are not tensors or dicts (numbers, strings, lists) are skipped.
 */
final class StateDictFlattener {
    /** Real checkpoints nest a few levels; the cap also ends cycles built through the memo. */
    static final int MAX_DEPTH = 64;

    private final Path file;
    private final List<Tensor> out = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private StateDictFlattener(Path file) {
        this.file = file;
    }

    static List<Tensor> flatten(Path file, Object root) {
        StateDictFlattener f = new StateDictFlattener(file);
        f.visit("", root, 0);
        return List.copyOf(f.out);
    }

    private void visit(String name, Object v, int depth) {
        if (v instanceof PyValue.TensorRef t) {
            add(name.isEmpty() ? "tensor" : name, t);
        } else if (v instanceof Map<?, ?> m) {
            if (depth >= MAX_DEPTH) {
                throw new LoupeException(file, "data.pkl: dicts nested deeper than " + MAX_DEPTH);
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey() instanceof PyValue.None ? "None" : e.getKey());
                visit(name.isEmpty() ? k : name + "." + k, e.getValue(), depth + 1);
            }
        }
    }

    private void add(String name, PyValue.TensorRef t) {
        if (!names.add(name)) {
            throw new LoupeException(file, "data.pkl: two tensors are named '" + name + "'");
        }
        PyValue.Storage s = t.storage();
        long elems = s.bytes().byteSize() / s.dtype().elementBytes();
        if (t.offset() < 0 || t.offset() > elems) {
            throw new LoupeException(file, "tensor '" + name + "': storage offset " + t.offset()
                    + " is outside its storage of " + elems + " elements");
        }
        try {
            out.add(Tensor.strided(name, s.dtype(), t.size(), t.stride(), t.offset(), s.bytes(), file));
        } catch (ArithmeticException e) {
            throw new LoupeException(file, "tensor '" + name + "': view size overflows");
        }
    }
}
