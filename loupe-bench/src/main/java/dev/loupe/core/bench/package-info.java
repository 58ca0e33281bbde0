/** The measured code of {@code loupe bench} subcommands; each reports against a same-run baseline. */
package dev.loupe.core.bench;
