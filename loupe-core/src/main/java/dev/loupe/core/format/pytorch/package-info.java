/**
 * PyTorch {@code torch.save} zip checkpoints: a hand-written zip index over the memory map (storages
 * are zero-copy slices) and a restricted unpickler that builds state_dict values and refuses every
 * other pickle global, so nothing from a checkpoint is ever executed.
 */
package dev.loupe.core.format.pytorch;
