/** Per-layer budgets: how much sparsity or how many bits each layer gets (uniform, AlphaPruning, greedy bits). */
package dev.loupe.compress.allocate;
