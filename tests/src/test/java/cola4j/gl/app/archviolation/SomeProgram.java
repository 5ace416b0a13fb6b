package cola4j.gl.app.archviolation;

/** Negative-control fixture for ArchitectureTest: stands for a program class (package cola4j.gl.app..). */
public final class SomeProgram {
    private SomeProgram() {}

    /** Something a library class must not call. */
    public static int value() {
        return 1;
    }
}
