package cola4j.models.data;

/** The headline metric a {@link Task} is scored by; computed by {@link Metrics}. */
public enum Metric {
    /** Fraction of examples whose predicted class equals the label ({@link Metrics#accuracy}). */
    ACCURACY("accuracy"),
    /** Fraction of sequences predicted right at every non-ignored position ({@link Metrics#exactMatch}). */
    EXACT_MATCH("exact_match"),
    /** Fraction of non-ignored positions predicted right ({@link Metrics#tokenAccuracy}). */
    TOKEN_ACCURACY("token_accuracy");

    private final String id;

    Metric(String id) {
        this.id = id;
    }

    /** Lower-case name used in logs and result files. */
    public String id() {
        return id;
    }
}
