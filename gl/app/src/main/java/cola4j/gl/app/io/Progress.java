package cola4j.gl.app.io;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the diagnostics stream while a phase runs: a live bar when a console is attached, otherwise
 * (pipes, CI, tests) one line when the phase ends, so logs stay short.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream log;
    private final String name;
    private final long t0 = System.nanoTime();

    public Progress(PrintStream log, String name, int steps) {
        this.log = log;
        this.name = name;
        this.bar = System.console() == null ? null
                : new ProgressBarBuilder().setTaskName(name).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(log)).setUpdateIntervalMillis(200).build();
    }

    /** The callback to hand to a session: step k of the phase is done. */
    public IntConsumer onStep() {
        return k -> {
            if (bar != null) bar.stepTo(k);
        };
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        log.printf("%-28s done in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
    }
}
