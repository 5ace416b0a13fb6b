package cola4j.gl.app.command;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/**
 * Typed option values with clear errors: each getter returns the default when the option is absent and throws
 * {@link UsageException} naming the option and the bad value otherwise.
 */
public final class Args {
    private Args() {}

    /** An integer option in {@code [min, max]} (bounds from {@link Limits} for sizes). */
    public static int intValue(CommandLine cl, String opt, int dflt, int min, int max) {
        if (!cl.hasOption(opt)) return dflt;
        int v = parseInt(opt, cl.getOptionValue(opt));
        if (v < min) throw new UsageException("--" + opt + " must be >= " + min + ", got " + v);
        if (v > max) throw new UsageException("--" + opt + " must be <= " + max + ", got " + v);
        return v;
    }

    /** A seed: any integer in {@code [0, 2^31-1]}. */
    public static int seed(CommandLine cl, String opt, int dflt) {
        return intValue(cl, opt, dflt, 0, Limits.MAX_SEED);
    }

    /** A floating-point option (finite). */
    public static double doubleValue(CommandLine cl, String opt, double dflt) {
        if (!cl.hasOption(opt)) return dflt;
        String s = cl.getOptionValue(opt);
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + ": '" + s + "' is not a finite number");
        }
    }

    /** A comma-separated list of integers, each in {@code [min, max]}, e.g. {@code --sizes 256,512}. */
    public static int[] intList(CommandLine cl, String opt, int[] dflt, int min, int max) {
        if (!cl.hasOption(opt)) return dflt.clone();
        String s = cl.getOptionValue(opt);
        String[] parts = s.split(",", -1);
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = parseInt(opt, parts[i]);
            if (v[i] < min || v[i] > max) {
                throw new UsageException("--" + opt + ": every value must be " + (v[i] < min ? ">= " + min
                        : "<= " + max) + ", got " + v[i] + " in '" + s + "'");
            }
        }
        return v;
    }

    /** One of a fixed set of words. */
    public static String choice(CommandLine cl, String opt, String dflt, List<String> allowed) {
        if (!cl.hasOption(opt)) return dflt;
        String s = cl.getOptionValue(opt);
        if (!allowed.contains(s)) {
            throw new UsageException("--" + opt + ": '" + s + "' is not one of " + String.join(", ", allowed));
        }
        return s;
    }

    /** A file path, or null when the option is absent. */
    public static Path path(CommandLine cl, String opt) {
        if (!cl.hasOption(opt)) return null;
        String s = cl.getOptionValue(opt);
        if (s.isBlank()) throw new UsageException("--" + opt + ": empty path");
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new UsageException("--" + opt + ": invalid path '" + s + "': " + e.getReason());
        }
    }

    /**
     * An output file option, checked before any work: not a directory, its parent creatable and writable (a probe
     * file is created and deleted). Null when absent.
     */
    public static Path outputFile(CommandLine cl, String opt) {
        Path p = path(cl, opt);
        if (p != null) OutputPaths.requireWritableFile(opt, p);
        return p;
    }

    private static int parseInt(String opt, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + ": '" + s + "' is not an integer");
        }
    }
}
