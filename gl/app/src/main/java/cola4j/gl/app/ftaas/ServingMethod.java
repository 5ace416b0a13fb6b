package cola4j.gl.app.ftaas;

import cola4j.gl.cola.ColaMode;

/** How a session serves its users, as far as the server's memory is concerned ({@link AnalyticBytes}). */
public enum ServingMethod {
    /** Full fine-tuning: one model copy per user, trained on the server ({@link FullSession}). */
    FULL,
    /** Multi-tenant LoRA: every user's adapter, gradients and optimizer state on the server ({@link LoraSession}). */
    LORA,
    /** ColA unmerged: mixed batches, a frozen replica of every user's auxiliaries on the server. */
    COLA_UNMERGED,
    /** ColA merged: per-user sub-batches, one user's ΔW merged at a time. */
    COLA_MERGED,
    /** ColA merged-average: mixed batches, the average of all users' ΔW merged once. */
    COLA_MERGED_AVERAGE;

    /** The ColA method of a mode. */
    public static ServingMethod cola(ColaMode mode) {
        return switch (mode) {
            case UNMERGED -> COLA_UNMERGED;
            case MERGED -> COLA_MERGED;
            case MERGED_AVERAGE -> COLA_MERGED_AVERAGE;
        };
    }
}
