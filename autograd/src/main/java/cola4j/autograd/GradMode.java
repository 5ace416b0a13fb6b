package cola4j.autograd;

/**
 * Whether new ops record their inputs for backward. On by default; {@link #noGrad()} turns it off for the
 * current thread inside a try-with-resources block (as {@code torch.no_grad()}):
 *
 * <pre>{@code try (var s = GradMode.noGrad()) { ... } }</pre>
 *
 * This is the only per-thread state in the autograd; it is visible here and nowhere else.
 */
public final class GradMode {
    private GradMode() {}

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    /** True when ops record the graph on this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording until the returned scope is closed; scopes nest. */
    public static Scope noGrad() {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = false;
        return () -> flag[0] = previous;
    }

    /** A scope that restores the previous mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
