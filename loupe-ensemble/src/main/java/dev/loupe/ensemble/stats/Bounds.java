package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.Polarization;

import java.util.List;

/**
 * Upper bounds on the majority-vote error L(MV), all evaluated from E_ρ[L] (mean error), E[W²] (tandem loss),
 * D = D_ρ (disagreement of two independent draws from ρ, h = h' allowed) and the polarization. We could not read the paper's exact theorem statements (only its
 * abstract was retrievable), so the polarization and disagreement forms below are DERIVED here, not quoted:
 * <ul>
 * <li>L(MV) ≤ P(W ≥ 1/2) (ties as errors) = η·E[W²] with η = P(W ≥ 1/2)/E[W²] — an identity-tight bound;
 *     replacing η by 4/3 (the neural polarization law) gives a bound that holds iff the ensemble is 4/3-polarized.</li>
 * <li>For a pair (h, h') drawn independently from ρ: P(both wrong) = (L(h) + L(h') − P(exactly one wrong))/2. With two classes a pair that
 *     disagrees has exactly one member wrong, so E[W²] = E_ρ[L] − D/2 and L(MV) ≤ η·(E_ρ[L] − D/2), linear in D with
 *     slope −η/2. With more classes only P(exactly one wrong) ≤ D holds, so the form is an estimate there (the paper's
 *     restricted-entropy condition is what controls the gap).</li>
 * <li>Classic references: first order L(MV) ≤ 2·E_ρ[L]; second order (tandem) L(MV) ≤ 4·E[W²]; and Cantelli's
 *     one-sided Chebyshev inequality on W: L(MV) ≤ P(W ≥ 1/2) ≤ Var W / (Var W + (1/2 − E W)²)
 *     = (E[W²] − E_ρ[L]²)/(E[W²] − E_ρ[L] + 1/4) when E_ρ[L] &lt; 1/2 (the C-bound in tandem form).</li>
 * </ul>
 */
public final class Bounds {
    private Bounds() {
    }

    static List<Bound> of(double mvError, double meanError, double tandem, double disagreement, Polarization pol, int classes) {
        double law = Polarization.LAW;
        double cantelli = meanError < 0.5
                ? (tandem - meanError * meanError) / (tandem - meanError + 0.25)
                : 1.0;
        String linearValidity = classes == 2 ? "always (2 classes, derived)" : "estimate (K>2: needs the paper's entropy condition)";
        String linearLawValidity = classes == 2 ? "if 4/3-polarized (2 classes, derived)" : "estimate (K>2, conjecture)";
        return List.of(
                bound("first order", "2·E[L]", 2 * meanError, "always", mvError),
                bound("tandem", "4·E[W²]", 4 * tandem, "always", mvError),
                bound("C-bound (Cantelli)", "(E[W²]−E[L]²)/(E[W²]−E[L]+1/4)", cantelli, "always", mvError),
                bound("polarization, measured η", "η·E[W²] = P(W≥1/2)", pol.etaWithTies() * tandem, "always (derived)", mvError),
                bound("polarization law", "4/3·E[W²]", law * tandem, "if 4/3-polarized (conjecture)", mvError),
                bound("linear in D, measured η", "η·(E[L]−D/2)", pol.etaWithTies() * (meanError - disagreement / 2),
                        linearValidity, mvError),
                bound("linear in D, law", "4/3·(E[L]−D/2)", law * (meanError - disagreement / 2), linearLawValidity, mvError));
    }

    private static Bound bound(String name, String formula, double value, String validity, double mvError) {
        // A tiny tolerance: an identity-tight bound must not be reported broken by floating-point rounding.
        return new Bound(name, formula, value, validity, value >= mvError - 1e-12);
    }
}
