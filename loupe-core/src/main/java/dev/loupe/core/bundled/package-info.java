/** Real models that reach Loupe as Maven artifacts (all-MiniLM-L6-v2 and its int8 twin), copied once to a cache to be mapped. */
package dev.loupe.core.bundled;
