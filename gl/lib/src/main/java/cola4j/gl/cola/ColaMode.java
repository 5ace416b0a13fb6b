package cola4j.gl.cola;

/** How the server applies the users' auxiliary models during its forward pass. */
public enum ColaMode {
    /**
     * The site outputs h + g_w(x): the server evaluates each user's auxiliary with its parameters held constant
     * ({@link cola4j.gl.auxiliary.AuxiliaryModel#applyFrozen}) on that user's rows. Works for every auxiliary type.
     */
    UNMERGED,
    /**
     * Linear auxiliaries only: before the forward the server adds ΔW (and Δb) into the base weight, computes
     * x(W + ΔW)ᵀ = h + g_w(x), and after the backward restores W bit-exactly. The server keeps no per-user state.
     * One user's rows at a time.
     */
    MERGED,
    /**
     * The collaboration mode of the reference implementation: the deltas of all users in the batch are averaged
     * and merged once, (1/K) Σ_u ΔW_u, for the whole mixed batch. Not equivalent to per-user training; offered to
     * compare.
     */
    MERGED_AVERAGE;

    /** Parses {@code unmerged|merged|merged-average}. */
    public static ColaMode parse(String s) {
        for (ColaMode m : values()) if (m.cliName().equals(s)) return m;
        throw new IllegalArgumentException("unknown ColA mode '" + s
                + "': expected unmerged, merged or merged-average");
    }

    public String cliName() {
        return name().toLowerCase().replace('_', '-');
    }
}
