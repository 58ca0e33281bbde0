package dev.loupe.ensemble.result;

/**
 * Sub-ensembles of size {@code k}: measured values and the values predicted from the first few members,
 * each averaged over the random member orders.
 *
 * @param mvError               measured majority-vote error (ties as errors)
 * @param mvErrorRandomTies     measured expected error with ties broken uniformly at random
 * @param disagreement          measured V-statistic disagreement: mean over all k² ordered pairs incl. h = h'
 * @param tandemLoss            measured E[W_k²]
 * @param predictedDisagreement (1 − 1/k)·D̂, D̂ the distinct-pair disagreement of the first members
 * @param predictedTandemLoss   T̂ + (L̂ − T̂)/k, L̂ mean error and T̂ distinct-pair both-wrong rate of the first members
 * @param predictedMvLaw        4/3 · predicted E[W_k²] (polarization law)
 * @param predictedMvEta        η̂ · predicted E[W_k²], η̂ = etaWithTies measured on the first members
 * @param predictedMvLinear     4/3 · 2m_k/(m_k+1) · (L̂ − predictedDisagreement/2), the linear-in-disagreement
 *                              (restricted-entropy) form, m_k = 1/(1 − B_k/E[W_k²]) from the predicted B_k = (1 − 1/k)·B̂
 *                              and E[W_k²]; equal to predictedMvLaw by the identity E[W²] = E[L] − D/2 + B/2
 */
public record KPoint(int k, double mvError, double mvErrorRandomTies, double disagreement, double tandemLoss, double predictedDisagreement,
                     double predictedTandemLoss, double predictedMvLaw, double predictedMvEta, double predictedMvLinear) {
}
