/** The input of every analysis: members x samples predicted classes (optionally probabilities) plus true labels. */
package dev.loupe.ensemble.predict;
