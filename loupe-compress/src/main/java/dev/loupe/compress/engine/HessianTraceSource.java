package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.HessianTrace;
import dev.loupe.core.progress.Progress;

import java.util.List;
import java.util.Set;

/**
 * Where the per-layer Hessian traces of {@code --allocate hessian} on an ONNX model come from: the caller wires in
 * loupe-landscape's exact Hessian-vector products (Hutchinson on each weight's block, {@code PerLayerHessian.traces}) over
 * the request's --data/--labels (cross-entropy) or --text (an encoder's self-distillation MSE), so that loupe-compress
 * does not depend on loupe-landscape. The run asks only for the
 * weights it compresses, after every option has been checked.
 */
@FunctionalInterface
public interface HessianTraceSource {
    /** One trace per weight in {@code weights} (ONNX initializer names). */
    List<HessianTrace> traces(Set<String> weights, Progress progress);
}
