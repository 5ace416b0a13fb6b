package cola4j.models.data;

/** Shape checks shared by the batch records (package-private). */
final class Batches {
    private Batches() {
    }

    /** Both arrays rectangular with equal [B, T]; IllegalArgumentException naming the record and fields otherwise. */
    static void requireSameShape(String record, String nameA, int[][] a, String nameB, int[][] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException(record + ": " + nameA + " has " + a.length + " rows but " + nameB
                    + " has " + b.length);
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != a[0].length)
                throw new IllegalArgumentException(record + ": " + nameA + " row " + i + " has length " + a[i].length
                        + " != " + a[0].length);
            if (b[i].length != a[i].length)
                throw new IllegalArgumentException(record + ": " + nameB + " row " + i + " has length " + b[i].length
                        + " != " + nameA + " length " + a[i].length);
        }
    }
}
