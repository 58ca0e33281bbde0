package dev.loupe.spectral.fit;

/**
 * The xmin search window of WeightWatcher 0.7.5.5's {@code fix_fingers='xmin_peak'} (weightwatcher.py
 * fit_powerlaw), also what AlphaPruning's {@code alpha_peak} and WeightWatcher's E_TPL search: the peak is the
 * left edge of the fullest of 100 equal bins of log10 λ (λ &gt; 1e-5), and the candidates are the eigenvalues in
 * [{@code log10(0.95·peak)}, {@code 1.5·peak}]. The lower bound compares a log10 with λ itself — a unit slip in
 * WeightWatcher, kept because it decides which xmins are tried (for peak &lt; 1.05 it admits every small λ).
 *
 * @param lo lower end of the candidate range (inclusive)
 * @param hi upper end (inclusive)
 */
public record XminPeak(double lo, double hi) {
    private static final int BINS = 100;

    /** The window for the ascending eigenvalues {@code nz}, all &gt; 0 (at least one). */
    public static XminPeak of(double[] nz) {
        double[] logs = new double[nz.length];
        for (int i = 0; i < nz.length; i++) {
            logs[i] = Math.log10(nz[i]);
        }
        EqualBins h = EqualBins.of(logs, BINS);
        double peak = Math.pow(10, h.leftEdge(h.fullest()));
        return new XminPeak(Math.log10(0.95 * peak), 1.5 * peak);
    }

    public boolean contains(double x) {
        return x >= lo && x <= hi;
    }
}
