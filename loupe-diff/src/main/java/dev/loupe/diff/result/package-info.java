/** What a comparison produces: immutable records the CLI prints and the report draws. */
package dev.loupe.diff.result;
