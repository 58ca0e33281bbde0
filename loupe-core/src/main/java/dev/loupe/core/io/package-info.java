/** File access with a contract: read-only memory maps of inputs and atomic (temp file + rename) outputs. */
package dev.loupe.core.io;
