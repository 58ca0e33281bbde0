/** Directions through weight space: random, filter-normalized (Li et al.), between checkpoints, Hessian eigenvectors. */
package dev.loupe.landscape.direction;
