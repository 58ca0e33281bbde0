/** The memory-wall model: bytes moved, arithmetic intensity and roofline latency on hardware profiles. */
package dev.loupe.compress.memory;
