/** The catalog's row shapes (per model, per layer) and what one zoo run did; plain immutable records. */
package dev.loupe.zoo.result;
