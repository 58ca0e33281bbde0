/** Finding checkpoints under directories and identifying each file cheaply for resumable runs. */
package dev.loupe.zoo.discover;
