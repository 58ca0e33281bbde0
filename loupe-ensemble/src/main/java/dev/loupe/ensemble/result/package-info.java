/** Immutable result records of the ensemble analysis; field names are the metric names used in the paper and the CLI. */
package dev.loupe.ensemble.result;
