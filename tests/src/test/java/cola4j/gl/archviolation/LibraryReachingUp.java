package cola4j.gl.archviolation;

import cola4j.gl.app.archviolation.SomeProgram;

/**
 * Negative-control fixture for ArchitectureTest: a "library" class (package cola4j.gl.., not app) that imports a
 * program class and a command-line library, i.e. breaks rules (a) and (c). It lives in test sources, which the real
 * checks exclude; the negative controls import it explicitly and expect the rules to fail.
 */
public final class LibraryReachingUp {
    private LibraryReachingUp() {}

    /** Calls up into a program: forbidden for the library. */
    public static int bad() {
        return SomeProgram.value() + new org.apache.commons.cli.Options().getOptions().size();
    }
}
