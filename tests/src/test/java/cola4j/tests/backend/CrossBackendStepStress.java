package cola4j.tests.backend;

import cola4j.tensor.Backend;

/**
 * The stress reproduction of issue 20's flaky {@link CrossBackendStepTest} (a tool, not a test: no test runs it):
 * runs one family's heap steps once, then the ND4J steps N times in one JVM, and counts the runs in which any
 * recorded tensor breaks the test's bound (max |heap − nd4j| ≤ 1e-12 · max |heap|), printing the first such
 * tensor.
 * Before libnd4j's {@code scatter_add} was called locked it failed (2-core machine, load ≈ 10, 2026-12-02)
 * encoder 2/200 and decoder 7/200 runs (encoder 3/20 at a lighter load); after, 0/200 each. Run after
 * {@code mvn -B -ntp -q test-compile -pl tests -am}, with the module classes and
 * {@code mvn dependency:build-classpath -pl tests} on the class path:
 * <pre>
 *   java -cp tensor/target/classes:...:tests/target/test-classes:$(cat cp.txt) \
 *       cola4j.tests.backend.CrossBackendStepStress encoder 200 [gc]
 * </pre>
 * {@code gc} calls {@link System#gc()} before each ND4J run (GC pressure; not needed to reproduce the failure).
 */
public final class CrossBackendStepStress {
    private CrossBackendStepStress() {}

    public static void main(String[] args) {
        String family = args[0];
        int n = Integer.parseInt(args[1]);
        boolean gc = args.length > 2 && args[2].equals("gc");
        CrossBackendStepTest.Run heap = Backend.with(Backend.HEAP, () -> CrossBackendStepTest.run(family));
        int bad = 0;
        for (int r = 0; r < n; r++) {
            if (gc) System.gc();
            CrossBackendStepTest.Run nd = Backend.with(Backend.ND4J, () -> CrossBackendStepTest.run(family));
            String first = null;
            for (var e : heap.values().entrySet()) {
                double[] x = e.getValue(), y = nd.values().get(e.getKey());
                double scale = 0, diff = 0;
                for (int i = 0; i < x.length; i++) {
                    scale = Math.max(scale, Math.abs(x[i]));
                    diff = Math.max(diff, Math.abs(x[i] - y[i]));
                }
                if (first == null && diff > CrossBackendStepTest.TOL * Math.max(scale, 1e-300)) {
                    first = e.getKey() + ": max |heap - nd4j| " + diff + " (scale " + scale + ")";
                }
            }
            if (first != null) {
                bad++;
                System.out.println("run " + r + " fails at " + first);
            }
        }
        System.out.println(family + ": runs " + n + ", failing " + bad);
    }
}
