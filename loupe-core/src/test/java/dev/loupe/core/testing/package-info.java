/** Test helpers shared with other modules through loupe-core's test-jar. */
package dev.loupe.core.testing;
