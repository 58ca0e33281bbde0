package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

/**
 * The sliding-window geometry of a 2-D Conv, MaxPool or AveragePool node (ONNX attributes kernel_shape, strides,
 * pads [top, left, bottom, right], dilations, ceil_mode; auto_pad NOTSET only), and the output size it gives:
 * floor or ceil of (in + pad_begin + pad_end − (dilation·(kernel − 1) + 1)) / stride, plus 1.
 */
record Window(long[] kernel, long[] strides, long[] pads, long[] dilations, boolean ceil) {

    /** @param kernelFromWeights the weight's spatial dims for a Conv without kernel_shape, else null */
    static Window of(Node n, long[] kernelFromWeights) {
        if (!"NOTSET".equals(n.attributes().getOrDefault("auto_pad", "NOTSET"))) {
            throw GradientGraph.unsupported(n, "only explicit pads (auto_pad NOTSET)");
        }
        long[] k = n.attributes().get("kernel_shape") instanceof long[] v ? v : kernelFromWeights;
        if (k == null || k.length != 2) {
            throw GradientGraph.unsupported(n, "only 2-D windows with a known kernel");
        }
        return new Window(k.clone(), ints(n, "strides", 1), n.attributes().get("pads") instanceof long[] p ? p.clone() : new long[4],
                ints(n, "dilations", 1), n.intAttribute("ceil_mode", 0) != 0);
    }

    private static long[] ints(Node n, String key, long fill) {
        return n.attributes().get(key) instanceof long[] v ? v.clone() : new long[]{fill, fill};
    }

    /** Output size along spatial axis {@code i} (0 = height, 1 = width) for input size {@code in}. */
    long out(int i, long in) {
        long span = in + pads[i] + pads[i + 2] - (dilations[i] * (kernel[i] - 1) + 1);
        return (ceil ? Math.ceilDiv(span, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
    }

    /** Positions of one window, kernel[0]·kernel[1]. */
    int size() {
        return (int) (kernel[0] * kernel[1]);
    }

    /**
     * ConvTranspose's output_padding that makes its output {@code in} again for an input of {@code out} positions:
     * in + pads − ((out − 1)·stride + dilation·(kernel − 1) + 1), at least 0 (a window hanging over the end, in
     * ceil mode, is cropped by {@link #cropEnd}).
     */
    long outputPadding(int i, long in, long out) {
        return Math.max(0, in + pads[i] + pads[i + 2] - ((out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1));
    }

    /** The end pad ConvTranspose crops: the window's own, plus whatever a ceil-mode window hangs over the input. */
    long cropEnd(int i, long in, long out) {
        long over = (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - (in + pads[i] + pads[i + 2]);
        return pads[i + 2] + Math.max(0, over);
    }
}
