package dev.loupe.diff.match;

/** How a pair of layers was matched; shown beside each row so a user can check the pairing. */
public enum MatchRule {
    /** The same layer name in both checkpoints. */
    NAME,
    /** The same name once wrapper prefixes ({@code module.}, {@code model.}, {@code base_model.model.}...) are removed. */
    NAME_WITHOUT_PREFIX,
    /** Neither name matched: the next unmatched layer of the same shape, in model order. */
    SHAPE_POSITION;

    /** Short label for tables and JSON. */
    public String label() {
        return switch (this) {
            case NAME -> "name";
            case NAME_WITHOUT_PREFIX -> "name-prefix";
            case SHAPE_POSITION -> "shape+position";
        };
    }
}
