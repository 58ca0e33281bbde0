package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.Competence;
import dev.loupe.ensemble.result.Polarization;
import dev.loupe.ensemble.result.WrongVoteSpread;

import java.util.List;

/**
 * Upper bounds on the majority-vote error L(MV), from E[L] (mean member error), E[W²] (tandem loss), D = D_ρ
 * (disagreement of two independent draws from ρ, h = h' allowed) and the polarization.
 *
 * <p>Every vote that is wrong (ties are errors) has W ≥ 1/2, so L(MV) ≤ P(W ≥ 1/2) = η·E[W²] with η the polarization
 * (with ties). The forms linear in D follow from the exact identity E[W²] = E[L] − D/2 + B/2 (B = P(both wrong and
 * disagree), see {@link WrongVoteSpread}): if no sample's wrong votes spread over more than m classes in the Rényi-2
 * sense (Σ q_c² ≥ 1/m, implied by a Shannon entropy ≤ log m), then B ≤ (1 − 1/m)·E[W²] and so
 * E[W²] ≤ 2m/(m+1)·(E[L] − D/2). Hence L(MV) ≤ η·2m/(m+1)·(E[L] − D/2): linear in D with a slope linear in η, as the
 * restricted-entropy bound of Kim et al. (arXiv 2411.00328) is described; m = 1 (two classes) gives η·(E[L] − D/2)
 * and m = K − 1 holds for every ensemble. The paper's exact theorem text could not be read here, so these are our
 * derivation of the stated result, proved in this comment and checked on random ensembles by the tests.
 *
 * <p>Competent ensembles ({@link Competence}): pairing each sample with W ≥ 1/2 with mass at 1 − W below 1/2 gives
 * E[W²] ≥ P(W ≥ 1/2)/2, so L(MV) ≤ 2·E[W²] ≤ 4(K−1)/K·(E[L] − D/2), the form of Theisen et al. (arXiv 2305.12313).
 *
 * <p>Classic: first order L(MV) ≤ 2·E[L]; second order (tandem) L(MV) ≤ 4·E[W²]; Cantelli's one-sided Chebyshev
 * inequality on W: P(W ≥ 1/2) ≤ Var W / (Var W + (1/2 − E W)²) = (E[W²] − E[L]²)/(E[W²] − E[L] + 1/4) when E[L] &lt; 1/2
 * (the C-bound in tandem form).
 */
public final class Bounds {
    // Where each row comes from: what a paper states, what is an identity, what this class derives (see above).
    private static final String CLASSIC = "classic (stated)";
    private static final String IDENTITY = "identity (definition of η), not a bound";
    private static final String LAW = "Kim et al. 2024 (stated; η ≤ 4/3 conjectured)";
    private static final String DERIVED = "derived here (the form Kim et al. 2024 describe)";
    private static final String THEISEN = "Theisen et al. 2023 (stated)";

    private Bounds() {
    }

    /** 2m/(m + 1): scales E[L] − D/2 to a bound on E[W²] when no sample's wrong votes spread wider than m classes. */
    static double spreadFactor(double m) {
        return 2 * m / (m + 1);
    }

    static List<Bound> of(double mvError, double meanError, double tandem, double disagreement, Polarization pol, int classes,
                          WrongVoteSpread spread, Competence competence) {
        double law = Polarization.LAW;
        boolean lawHolds = !(pol.etaWithTies() > law);
        double cantelli = meanError < 0.5
                ? (tandem - meanError * meanError) / (tandem - meanError + 0.25)
                : 1.0;
        double margin = meanError - disagreement / 2;
        // With E[W²] = 0 nobody is ever wrong, η is 0/0 and every bound is 0.
        double eta = tandem == 0 ? 0 : pol.etaWithTies();
        // An ensemble where nobody is ever wrong has no spread; any m ≥ 1 then bounds it.
        double m = Double.isNaN(spread.maxWrongClasses()) ? 1 : spread.maxWrongClasses();
        double worst = Math.max(1, classes - 1);
        String mText = String.format(java.util.Locale.ROOT, "m* = %.3f", m);
        return List.of(
                bound("first order", "2·E[L]", 2 * meanError, "always", true, mvError, CLASSIC),
                bound("tandem", "4·E[W²]", 4 * tandem, "always", true, mvError, CLASSIC),
                bound("C-bound (Cantelli)", "(E[W²]−E[L]²)/(E[W²]−E[L]+1/4)", cantelli, "always", true, mvError, CLASSIC),
                bound("polarization, measured η", "η·E[W²] = P(W≥1/2)", pol.pWAtLeastHalf(), "always (every wrong vote has W ≥ 1/2)",
                        true, mvError, IDENTITY),
                bound("polarization law", "4/3·E[W²]", law * tandem, "if η with ties ≤ 4/3", lawHolds, mvError, LAW),
                bound("competence", "2·E[W²]", 2 * tandem, "if competent", competence.competent(), mvError, THEISEN),
                bound("competence, K classes", "4(K−1)/K·(E[L]−D/2)", 2 * spreadFactor(worst) * margin, "if competent",
                        competence.competent(), mvError, THEISEN),
                bound("restricted entropy, measured η", "η·2m/(m+1)·(E[L]−D/2), " + mText,
                        eta * spreadFactor(m) * margin, "always (m* measured)", true, mvError, DERIVED),
                bound("restricted entropy, law", "4/3·2m/(m+1)·(E[L]−D/2), " + mText, law * spreadFactor(m) * margin,
                        "if η with ties ≤ 4/3", lawHolds, mvError, DERIVED));
    }

    private static Bound bound(String name, String formula, double value, String condition, boolean applies, double mvError,
                               String source) {
        // A tiny tolerance: an identity-tight bound must not be reported broken by floating-point rounding.
        return new Bound(name, formula, value, condition, applies, value >= mvError - 1e-12, source);
    }
}
