package dev.loupe.core.format.onnx;

import dev.loupe.core.graph.Graph;
import dev.loupe.core.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Everything the parser found in one ModelProto: the graph, the weights with unique names and where
 * each sits in the file (for the writer), the names of tensors skipped for an unsupported data type,
 * and the model's metadata.
 *
 * @param graphEnvelope the main GraphProto (new initializers and nodes go inside it)
 * @param inputSites    the main graph's inputs by name (an initializer removed by the writer loses its input too)
 * @param nodeSites     the main graph's nodes by their first output (unique in a valid graph; the first wins)
 * @param opsets        opset_import versions by domain ("ai.onnx" for the default domain)
 */
record OnnxModel(Graph graph, List<Tensor> tensors, Map<String, Site> sites, List<String> skipped,
                 Map<String, String> metadata, Envelope graphEnvelope, Map<String, Site> inputSites,
                 Map<String, Site> nodeSites, boolean usesExternalData, Map<String, Long> opsets) {
}
