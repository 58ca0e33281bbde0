/** A decoder LM's hyper-parameters as one typed record, read from a Hugging Face config.json or GGUF metadata. */
package dev.loupe.lm.config;
