package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code loupe ensemble} on the real 10-seed Fashion-MNIST CNN ensemble of fixtures/: member errors must equal
 * the accuracies torch recorded in the manifest, and every printed ensemble number is recomputed here from the
 * predictions the command saved, with plain loops over member pairs (not the module's per-sample formulas).
 */
class TestEnsembleOnReferenceModels {
    @TempDir
    Path dir;

    @Test
    void printedNumbersAreRecomputedFromTheStoredPredictions() throws IOException {
        Path f = Fixtures.dir();
        Path manifestFile = f.resolve("manifest.json");
        assumeTrue(Files.isRegularFile(manifestFile), "fixtures/manifest.json not generated yet");
        JsonNode manifest = Output.MAPPER.readTree(manifestFile.toFile());
        List<String> args = new ArrayList<>(List.of("ensemble", "-m"));
        List<Double> accuracies = new ArrayList<>();
        for (JsonNode e : manifest.path("models")) {
            if (e.path("role").asText().startsWith("ensemble member") && e.path("format").asText().equals("onnx")) {
                args.add(f.resolve(e.path("file").asText()).toString());
                accuracies.add(e.path("accuracy").asDouble());
            }
        }
        assumeTrue(accuracies.size() >= 3, "the ensemble members are not in fixtures/ yet");
        Path labels = f.resolve(manifest.at("/data/labels").asText());
        Path saved = dir.resolve("saved");
        args.addAll(List.of("--data", f.resolve(manifest.at("/data/images").asText()).toString(), "--labels", labels.toString(),
                "--threads", "2", "--save-predictions", saved.toString(), "--noise", "0.2", "--rotate", "30", "--json"));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        JsonNode report = Output.MAPPER.readTree(r.out());
        JsonNode s = report.get("stats");
        int m = accuracies.size();
        for (int j = 0; j < m; j++) {
            assertEquals(1 - accuracies.get(j), s.get("memberErrors").get(j).get("error").asDouble(), 1e-9, "member " + j);
        }
        float[] t = Datasets.readArray(labels).values();
        int[] truth = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            truth[i] = (int) t[i];
        }
        int[][] pred = readLabels(saved.resolve("in-distribution"), report, m);
        Recomputed x = Recomputed.of(pred, truth, 10);
        assertEquals(x.meanError, s.get("meanError").asDouble(), 1e-12);
        assertEquals(x.mvError, s.get("majorityVoteError").asDouble(), 1e-12);
        assertEquals(x.disagreement, s.get("disagreement").asDouble(), 1e-12);
        assertEquals(x.tandem, s.get("tandemLoss").asDouble(), 1e-12);
        assertEquals(x.pAbove / x.tandem, s.get("polarization").get("eta").asDouble(), 1e-9);
        assertEquals(x.pAtLeast / x.tandem, s.get("polarization").get("etaWithTies").asDouble(), 1e-9);
        for (int j = 0; j <= m; j++) {
            assertEquals(x.histogram[j], s.get("wHistogram").get("samples").get(j).asLong());
        }
        assertEquals(x.bothWrongDisagree, s.at("/wrongVoteSpread/bothWrongDisagree").asDouble(), 1e-12);
        assertEquals(x.maxWrongClasses, s.at("/wrongVoteSpread/maxWrongClasses").asDouble(), 1e-12);
        double factor = 2 * x.maxWrongClasses / (x.maxWrongClasses + 1);
        JsonNode entropyBound = null;
        for (JsonNode b : s.get("bounds")) {
            entropyBound = b.get("name").asText().equals("restricted entropy, measured η") ? b : entropyBound;
        }
        assertEquals(x.pAtLeast / x.tandem * factor * (x.meanError - x.disagreement / 2), entropyBound.get("value").asDouble(), 1e-12);
        assertTrue(entropyBound.get("value").asDouble() >= x.mvError);
        JsonNode last = report.at("/extrapolation/points/" + (m - 1));
        assertEquals(x.mvError, last.get("mvError").asDouble(), 1e-12); // every order's K = M is the whole ensemble
        assertEquals(x.tandem, last.get("tandemLoss").asDouble(), 1e-12);
        assertEquals(x.disagreement, last.get("disagreement").asDouble(), 1e-12);
        String[] sets = {"in-distribution", "gaussian-noise-0.2", "rotation-30.0"};
        for (int k = 0; k < sets.length; k++) {
            JsonNode ind = report.get("indicators").get(k);
            Recomputed y = Recomputed.of(readLabels(saved.resolve(sets[k]), report, m), truth, 10);
            assertEquals(y.mvError, ind.get("mvError").asDouble(), 1e-12, sets[k]);
            assertEquals(y.aurocPairDisagreement, ind.get("aurocs").get(0).get("auroc").asDouble(), 1e-12, sets[k]);
        }

        CliRun table = CliRun.of(args.stream().filter(a -> !a.equals("--json")).toArray(String[]::new));
        String mvLine = String.format(Locale.ROOT, "%.4f", x.mvError);
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("majority-vote error (ties are errors)") && l.endsWith(mvLine)),
                table.out());
    }

    private static int[][] readLabels(Path setDir, JsonNode report, int m) throws IOException {
        int[][] out = new int[m][];
        for (int j = 0; j < m; j++) {
            String name = report.get("stats").get("memberErrors").get(j).get("member").asText();
            out[j] = Files.readAllLines(setDir.resolve(name + ".csv")).stream().mapToInt(Integer::parseInt).toArray();
        }
        return out;
    }

    /** Ensemble numbers from first principles: ordered member pairs for D_ρ and E[W²], vote counts, brute-force AUROC. */
    private record Recomputed(double meanError, double mvError, double disagreement, double tandem, double pAbove,
                              double pAtLeast, long[] histogram, double aurocPairDisagreement, double bothWrongDisagree,
                              double maxWrongClasses) {
        static Recomputed of(int[][] pred, int[] truth, int classes) {
            int m = pred.length;
            int n = truth.length;
            long errors = 0;
            long disagreeing = 0;
            long bothWrong = 0;
            long bothWrongDisagreeing = 0;
            for (int a = 0; a < m; a++) {
                for (int i = 0; i < n; i++) {
                    errors += pred[a][i] != truth[i] ? 1 : 0;
                }
                for (int b = 0; b < m; b++) { // all M² ordered pairs, h = h' included, as in E over h, h' ~ ρ
                    for (int i = 0; i < n; i++) {
                        disagreeing += pred[a][i] != pred[b][i] ? 1 : 0;
                        bothWrong += pred[a][i] != truth[i] && pred[b][i] != truth[i] ? 1 : 0;
                        bothWrongDisagreeing += pred[a][i] != truth[i] && pred[b][i] != truth[i] && pred[a][i] != pred[b][i] ? 1 : 0;
                    }
                }
            }
            double meanError = (double) errors / ((long) m * n);
            double disagreement = (double) disagreeing / ((long) m * m * n);
            double tandem = (double) bothWrong / ((long) m * m * n);
            long[] hist = new long[m + 1];
            long mv = 0;
            long above = 0;
            long atLeast = 0;
            double maxWrong = 0;
            boolean[] wrongVote = new boolean[n];
            double[] pairDis = new double[n];
            for (int i = 0; i < n; i++) {
                int[] votes = new int[classes];
                int wrong = 0;
                for (int a = 0; a < m; a++) {
                    votes[pred[a][i]]++;
                    wrong += pred[a][i] != truth[i] ? 1 : 0;
                }
                hist[wrong]++;
                // effective number of wrong classes: 1/Σ q², q the shares of the wrong votes
                double sumSq = 0;
                for (int c = 0; c < classes; c++) {
                    sumSq += c == truth[i] || wrong == 0 ? 0 : Math.pow((double) votes[c] / wrong, 2);
                }
                maxWrong = wrong == 0 ? maxWrong : Math.max(maxWrong, 1 / sumSq);
                above += 2 * wrong > m ? 1 : 0;
                atLeast += 2 * wrong >= m ? 1 : 0;
                for (int c = 0; c < classes; c++) {
                    wrongVote[i] |= c != truth[i] && votes[c] >= votes[truth[i]];
                }
                mv += wrongVote[i] ? 1 : 0;
                int pairsDisagreeing = 0;
                for (int a = 0; a < m; a++) {
                    for (int b = a + 1; b < m; b++) {
                        pairsDisagreeing += pred[a][i] != pred[b][i] ? 1 : 0;
                    }
                }
                pairDis[i] = pairsDisagreeing / (m * (m - 1) / 2.0);
            }
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (wrongVote[i] && !wrongVote[j]) {
                        pairs++;
                        wins += pairDis[i] > pairDis[j] ? 1 : pairDis[i] == pairDis[j] ? 0.5 : 0;
                    }
                }
            }
            return new Recomputed(meanError, (double) mv / n, disagreement, tandem, (double) above / n, (double) atLeast / n, hist,
                    wins / pairs, (double) bothWrongDisagreeing / ((long) m * m * n), maxWrong);
        }
    }
}
