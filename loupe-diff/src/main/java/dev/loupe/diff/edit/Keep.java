package dev.loupe.diff.edit;

import dev.loupe.core.LoupeException;

import java.util.Locale;

/**
 * How many singular directions of a layer smoothing keeps, as WeightWatcher's SVDSmoothing methods choose them
 * (counts are over the layer's pooled ESD; a conv layer's kh·kw slices each keep ⌈k/rf⌉, as there).
 */
public sealed interface Keep {
    /** A fixed number of directions per layer. */
    record Count(int k) implements Keep {
    }

    /** WeightWatcher's method='svd' with percent p: ⌊p·M·rf⌋ of the layer's components. */
    record Fraction(double p) implements Keep {
    }

    /** WeightWatcher's method='rmt': the spikes above the Marchenko–Pastur bulk edge (num_spikes of the MP fit). */
    record MpSpikes() implements Keep {
    }

    /** WeightWatcher's method='lambda_min': the power-law tail, eigenvalues ≥ xmin (num_pl_spikes). */
    record PowerLawTail() implements Keep {
    }

    /** Parses {@code --smooth}: an integer count, a fraction in (0, 1), {@code mp} or {@code pl}. */
    static Keep parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "mp", "rmt" -> {
                return new MpSpikes();
            }
            case "pl", "lambda_min" -> {
                return new PowerLawTail();
            }
            default -> {
            }
        }
        try {
            if (v.matches("\\d+")) {
                int k = Integer.parseInt(v);
                if (k >= 1) {
                    return new Count(k);
                }
            } else {
                double p = Double.parseDouble(v);
                if (p > 0 && p < 1) {
                    return new Fraction(p);
                }
            }
        } catch (NumberFormatException ignored) {
            // falls through to the one error below
        }
        throw new LoupeException("--smooth takes a count >= 1, a fraction in (0, 1), mp or pl, not '" + s + "'");
    }

    /** Public entry for option parsing. */
    static Keep of(String s) {
        return parse(s);
    }
}
