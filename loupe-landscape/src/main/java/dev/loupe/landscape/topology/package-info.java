/** Topology of sampled losses: merge trees, 0-dim persistence, topological landscape profiles, SMAD. */
package dev.loupe.landscape.topology;
