/** Placeholder. */
package dev.loupe.report;
