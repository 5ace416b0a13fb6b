package cola4j.gl.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;

/** {@code cola bench serve} on a tiny load: one row per (mode, users), nothing lost, merged server bytes flat in K. */
class ServeBenchTest {
    @Test
    void rowsReportEveryUserServedAndNothingLost() throws Exception {
        ServeBench b = new ServeBench();
        var cl = new DefaultParser().parse(b.options(), new String[] {"--users", "1,3", "--steps", "3", "--rows", "4"});
        Io io = new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        List<ServeBench.Row> rows = b.measure(cl, io);
        assertThat(rows).extracting(ServeBench.Row::mode).containsExactly("unmerged", "unmerged", "merged", "merged");
        assertThat(rows).extracting(ServeBench.Row::users).containsExactly(1, 3, 1, 3);
        for (ServeBench.Row r : rows) {
            assertThat(r.lostUploads()).isZero();
            assertThat(r.skipped()).isZero();
            assertThat(r.p99StepMs()).isGreaterThanOrEqualTo(r.p50StepMs()).isPositive();
            assertThat(r.wireBytesPerStep()).isPositive();
        }
        assertThat(rows.get(3).serverBytes()).as("merged: one user's ΔW at a time")
                .isEqualTo(rows.get(2).serverBytes());
        assertThat(rows.get(1).serverBytes()).as("unmerged: a replica per user")
                .isGreaterThan(rows.get(0).serverBytes());
        assertThat(rows.get(1).wireBytesPerStep()).isGreaterThan(2.5 * rows.get(0).wireBytesPerStep());
    }
}
