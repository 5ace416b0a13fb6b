package cola4j.gl.archviolation.cycle;

import cola4j.gl.archviolation.CycleA;

/** Negative-control fixture for ArchitectureTest: the other half of a package cycle (with {@link CycleA}). */
public final class CycleB {
    private CycleB() {}

    /** Refers back to CycleA's package. */
    public static int b() {
        return CycleA.class.getSimpleName().length();
    }
}
