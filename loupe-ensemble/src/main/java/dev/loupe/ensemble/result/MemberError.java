package dev.loupe.ensemble.result;

/** The test error rate of one ensemble member. */
public record MemberError(String member, double error) {
}
