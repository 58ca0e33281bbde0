/** The one small interface through which long work reports progress, so the library stays silent. */
package dev.loupe.core.progress;
