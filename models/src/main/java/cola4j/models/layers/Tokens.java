package cola4j.models.layers;

/** Checks on integer token batches. */
public final class Tokens {
    private Tokens() {}

    /** The common row length T of a non-empty rectangular batch [B][T]; error naming {@code what} otherwise. */
    public static int width(int[][] rows, String what) {
        if (rows == null || rows.length == 0) throw new IllegalArgumentException(what + ": empty batch");
        int t = rows[0].length;
        if (t == 0) throw new IllegalArgumentException(what + ": empty sequence");
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].length != t) {
                throw new IllegalArgumentException(what + ": ragged batch, row 0 has " + t + " tokens, row " + i
                        + " has " + rows[i].length);
            }
        }
        return t;
    }

    /** Checks that {@code mask} (1 = real token, 0 = padding) has the shape of {@code ids} and only 0/1 values. */
    public static void checkMask(int[][] ids, int[][] mask, String what) {
        if (mask == null) return;
        int t = width(ids, what);
        if (mask.length != ids.length || width(mask, what + " mask") != t) {
            throw new IllegalArgumentException(what + ": attention mask [" + mask.length + "][" + mask[0].length
                    + "] does not match ids [" + ids.length + "][" + t + "]");
        }
        for (int i = 0; i < mask.length; i++) {
            boolean any = false;
            for (int j = 0; j < t; j++) {
                if (mask[i][j] != 0 && mask[i][j] != 1) {
                    throw new IllegalArgumentException(what + ": attention mask value " + mask[i][j] + " at [" + i
                            + "][" + j + "] is not 0 or 1");
                }
                any |= mask[i][j] == 1;
            }
            if (!any) throw new IllegalArgumentException(what + ": sequence " + i + " is all padding");
        }
    }
}
