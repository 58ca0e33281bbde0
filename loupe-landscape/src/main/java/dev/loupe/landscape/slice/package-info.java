/** Slices of the loss: lines, planes and n-dimensional samples around a point of weight space. */
package dev.loupe.landscape.slice;
