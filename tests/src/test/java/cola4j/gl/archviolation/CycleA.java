package cola4j.gl.archviolation;

import cola4j.gl.archviolation.cycle.CycleB;

/** Negative-control fixture for ArchitectureTest: half of a package cycle (with {@link CycleB}). */
public final class CycleA {
    private CycleA() {}

    /** Depends on the other package, which depends back. */
    public static int a() {
        return CycleB.b() + 1;
    }
}
