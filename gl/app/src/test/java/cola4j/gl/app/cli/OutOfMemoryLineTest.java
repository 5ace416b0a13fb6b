package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;

/** A worker thread's exhausted heap ends as the command thread's one line ({@link OutOfMemoryLine}). */
class OutOfMemoryLineTest {
    /** A command whose work runs in an executor task that runs out of memory. */
    static final Command POOL_HOG = new Command() {
        public String name() {
            return "poolhog";
        }

        public String description() {
            return "an executor task throws OutOfMemoryError";
        }

        public Options options() {
            return new Options().addOption(Option.builder().longOpt("batch").hasArg().build());
        }

        public int run(CommandLine cl, Io io) throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                return pool.submit(() -> {
                    if (cl != null) throw new OutOfMemoryError("Java heap space");
                    return 0;
                }).get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
        }
    };

    @Test
    void anExecutorTasksOutOfMemoryIsTheCommandsOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"poolhog", "--batch", "4096"}, new Io(new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)), List.of(POOL_HOG));
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(e.lines().toList()).as(e).hasSize(1);
        assertThat(e).startsWith("cola poolhog: error: out of memory (heap ").contains("lower --batch or")
                .contains("COLA_JAVA_OPTS=-Xmx").doesNotContain("ExecutionException");
    }

    @Test
    void anUncaughtOutOfMemoryOnAnotherThreadIsReportedAsTheCurrentCommandsLine() throws InterruptedException {
        Options options = new Options().addOption(Option.builder().longOpt("users").hasArg().build())
                .addOption(Option.builder().longOpt("rank").hasArg().build());
        OutOfMemoryLine.enter("cola ftaas", null, options);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        AtomicBoolean reported = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            throw new IllegalStateException("wrapped", new OutOfMemoryError("Java heap space"));
        }, "grpc-default-executor-0");
        // the handler Main installs, without its halt
        worker.setUncaughtExceptionHandler((t, x) -> reported.set(OutOfMemoryLine.report(x, ps)));
        worker.start();
        worker.join(60_000);
        assertThat(reported).isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cola ftaas: error: out of memory (heap "
                + Runtime.getRuntime().maxMemory() / 1048576 + " MiB); lower --users, --rank or raise the heap"
                + " (COLA_JAVA_OPTS=-Xmx...)" + System.lineSeparator());
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        assertThat(OutOfMemoryLine.report(new IllegalStateException("not memory"), new PrintStream(other)))
                .isFalse();
        assertThat(other.size()).isZero();
    }
}
