package dev.loupe.ensemble.result;

import java.util.List;

/**
 * The whole-ensemble statistics (members equally weighted, ρ uniform).
 *
 * @param meanError                  E_ρ[L], the mean member error
 * @param majorityVoteError          plurality-vote error, ties counted as errors (see {@link EnsembleReport#TIE_RULE})
 * @param majorityVoteErrorRandomTies the expected error if ties were broken uniformly at random among tied classes
 * @param disagreement               D_ρ = E over independent pairs h, h' ~ ρ (incl. h = h') of P(h and h' predict
 *                                   different classes) = (1 − 1/M)·pairwiseDisagreement
 * @param pairwiseDisagreement       the same mean over distinct member pairs only
 * @param errorDisagreement          like D_ρ but P(exactly one of the two is wrong) (≤ D_ρ; = D_ρ for 2 classes);
 *                                   E[W²] = meanError − errorDisagreement/2 exactly
 * @param tandemLoss                 E[W²] = E over independent pairs incl. h = h' of P(both wrong)
 * @param wrongVoteSpread            how wrong votes spread over classes (the restricted-entropy quantities)
 * @param competence                 whether the ensemble is competent (Theisen et al.)
 */
public record EnsembleStats(int members, int samples, int classes, List<MemberError> memberErrors, double meanError,
                            double majorityVoteError, double majorityVoteErrorRandomTies, double disagreement,
                            double pairwiseDisagreement, double errorDisagreement, double tandemLoss, WHistogram wHistogram, Polarization polarization,
                            WrongVoteSpread wrongVoteSpread, Competence competence, List<Bound> bounds) {
    public EnsembleStats {
        memberErrors = List.copyOf(memberErrors);
        bounds = List.copyOf(bounds);
    }
}
