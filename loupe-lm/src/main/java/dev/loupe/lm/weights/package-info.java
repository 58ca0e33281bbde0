/** A decoder LM's tensors bound to their roles (embedding, per-block projections, norms, head), and their F32 views. */
package dev.loupe.lm.weights;
