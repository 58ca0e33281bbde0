/** Placeholder. */
package dev.loupe.runtime;
