/** Immutable result records of landscape, Hessian and topology analyses (serialized to JSON as they are). */
package dev.loupe.landscape.result;
