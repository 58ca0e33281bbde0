package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

import java.util.Set;

/**
 * Which inputs of an op a gradient flows through. Shape arithmetic (Shape, Size, the shape input of
 * Reshape/Expand, Gather indices, Slice bounds, a Cast to an integer type...) is piecewise constant in the
 * weights: its outputs carry no gradient, so a weight reaching a Shape node does not make the Gather,
 * Unsqueeze and Concat that compute a Reshape target "live", and those ops need no backward rule.
 */
final class Differentiable {
    /** Ops whose outputs are integers, booleans or otherwise constant in their inputs. */
    private static final Set<String> NONE = Set.of("Shape", "Size", "ConstantOfShape", "OneHot", "Equal", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "NonZero", "ArgMax", "ArgMin", "Sign", "Floor",
            "Ceil", "Round", "IsNaN", "IsInf", "Range", "EyeLike", "RandomNormalLike", "RandomUniformLike");
    /** Ops differentiable in their first input only (the others are shapes, indices, axes or bounds). */
    private static final Set<String> FIRST = Set.of("Reshape", "Expand", "Unsqueeze", "Squeeze", "Slice", "Pad", "Tile",
            "Flatten", "Transpose", "Gather", "GatherElements", "ReduceSum", "ReduceMean", "Dropout", "Softmax",
            "LogSoftmax");

    private Differentiable() {
    }

    /** True when a gradient can flow from the outputs of {@code n} to its input {@code index}. */
    static boolean through(Node n, int index) {
        String op = n.opType();
        if (NONE.contains(op)) {
            return false;
        }
        if (op.equals("Cast")) {
            return index == 0 && n.intAttribute("to", 0) == 1; // float32 → float32 only; integer casts are steps
        }
        if (op.equals("BatchNormalization")) {
            return index <= 2; // x, scale, bias; the running mean and variance are fixed statistics
        }
        if (op.equals("Where")) {
            return index > 0;
        }
        return !FIRST.contains(op) || index == 0;
    }
}
