package dev.loupe.compress.prune;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestSelection {
    @Test
    void kthSmallestEqualsTheSortedArrayAtK() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(200);
            int range = 1 + rnd.nextInt(trial % 3 == 0 ? 3 : 1000); // many duplicates in a third of the trials
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt(range) - range / 2;
            }
            int[] sorted = a.clone();
            Arrays.sort(sorted);
            for (int k : new int[]{0, n / 2, n - 1, rnd.nextInt(n)}) {
                assertEquals(sorted[k], Selection.kthSmallest(a.clone(), k), "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void allEqualKeysAndHandWorkedCase() {
        assertEquals(5, Selection.kthSmallest(new int[100_000], 0) + 5);
        assertEquals(4, Selection.kthSmallest(new int[]{9, 4, 7, 1, 4}, 2)); // sorted 1 4 4 7 9
    }

    @Test
    void pruneLowestMatchesTheSortDefinitionIncludingTies() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(trial % 2 == 0 ? 16 : 300); // half the trials take the small-group path
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(4) == 0 ? 0.5f : (rnd.nextInt(10) == 0 ? Float.NaN : rnd.nextInt(20) / 8f);
            }
            long k = rnd.nextInt(n + 1);
            boolean[] keep = new boolean[n];
            Arrays.fill(keep, true);
            Pruners.pruneLowest(scores, 0, n, k, keep);
            // the definition: sort indices by (score, index), NaN last, prune the first k
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (x, y) -> {
                int c = Float.compare(scores[x], scores[y]); // Float.compare puts NaN last
                return c != 0 ? c : Integer.compare(x, y);
            });
            boolean[] expect = new boolean[n];
            Arrays.fill(expect, true);
            for (int j = 0; j < k; j++) {
                expect[idx[j]] = false;
            }
            assertArrayEquals(expect, keep, "trial " + trial);
        }
    }
}
