package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.IntervalWalkthrough;
import cola4j.gl.verify.MergedWalkthrough;
import cola4j.gl.verify.UsersWalkthrough;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola explain --merged | --interval I | --users K}: every numbered equation's difference is at rounding level
 * (checked on the printed numbers and on the walk-throughs' results), the base hash is unchanged after the merged
 * pass and changed during it, the buffer counts rows, the mixed batch's rows go to their owners; bad values exit 2.
 */
class ExplainModesTest {
    static final Fixture FX = new Fixture(DType.FLOAT64, 0);

    /** Every number printed after "max relative difference (N)..." in {@code out}. */
    static List<Double> differences(String out) {
        Matcher m = Pattern.compile("max relative difference \\(\\d\\)[^:]*: ([0-9.e+-]+)").matcher(out);
        List<Double> v = new ArrayList<>();
        while (m.find()) v.add(Double.parseDouble(m.group(1)));
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "linear"})
    void mergedShowsTheSameForwardAndGradientAndAnUnchangedBase(String aux) {
        MainTest.Result r = MainTest.cola("explain", "--merged", "--aux", aux);
        assertThat(r.code()).as(r.err()).isZero();
        for (int eq = 0; eq <= 5; eq++) assertThat(r.out()).contains("(" + eq + ") ");
        assertThat(differences(r.out())).hasSize(2).allSatisfy(d -> assertThat(d).isLessThan(1e-12));
        Matcher h = Pattern.compile("SHA-256 (?:of W [a-z ]+: +)?([0-9a-f]{64})").matcher(r.out());
        List<String> hashes = new ArrayList<>();
        while (h.find()) hashes.add(h.group(1));
        assertThat(hashes).hasSize(3);                     // W₀, during the pass, after the restore
        assertThat(hashes.get(2)).isEqualTo(hashes.get(0));
        assertThat(hashes.get(1)).isNotEqualTo(hashes.get(0));
        assertThat(r.out()).contains("(equals W₀'s: true)").contains("(differs from W₀: true)");

        MergedWalkthrough.Result res = new MergedWalkthrough(new PrintStream(new ByteArrayOutputStream()))
                .run(FX, AuxiliaryKind.parseUserChoice(aux), "blocks.1.mlp.fc1");
        assertThat(res.hashAfter()).isEqualTo(res.hashBefore()).isNotEqualTo(res.hashMerged());
        assertThat(res.forwardRel()).isLessThan(1e-12);
        assertThat(res.gradHRel()).isLessThan(1e-12);
    }

    /** The hash is SHA-256 of the big-endian float64 bytes (checked against MessageDigest on hand-made bytes). */
    @Test
    void sha256IsOfTheValueBytes() throws Exception {
        Tensor t = Tensor.of(new double[] {1.0, -2.5}, 2);
        ByteBuffer b = ByteBuffer.allocate(16).putDouble(1.0).putDouble(-2.5);
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        assertThat(MergedWalkthrough.sha256(t)).isEqualTo(want);
        assertThat(MergedWalkthrough.sha256(Tensor.of(new double[] {1.0, -2.5000000000000004}, 2))).isNotEqualTo(want);
    }

    @Test
    void intervalFillsTheBufferAndStepsOnTheAccumulatedGradient() {
        MainTest.Result r = MainTest.cola("explain", "--interval", "3", "--aux", "mlp", "--site", "blocks.1.mlp.fc1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("buffer 1 of 3 batches, 24 rows").contains("buffer 2 of 3 batches, 48 rows")
                .contains("buffer 3 of 3 batches, 72 rows -> full");
        assertThat(differences(r.out())).hasSize(3).allSatisfy(d -> assertThat(d).isLessThan(1e-12));
        for (int interval : new int[] {1, 4}) {
            IntervalWalkthrough.Result res = new IntervalWalkthrough(new PrintStream(new ByteArrayOutputStream()))
                    .run(FX, AuxiliaryKind.LOWRANK, "blocks.0.attn.value", interval);
            List<Integer> want = new ArrayList<>();
            for (int k = 1; k < interval; k++) want.add(24 * k);
            want.add(0);                                      // drained by the step
            assertThat(res.bufferedRows()).isEqualTo(want);
            assertThat(res.sumRel()).isLessThan(1e-12);
            assertThat(res.backpropRel()).isLessThan(1e-12);
            assertThat(res.stepRel()).isLessThan(1e-12);
        }
    }

    @Test
    void usersSplitTheMixedBatchByRowsAndEachFitsAsIfAlone() {
        MainTest.Result r = MainTest.cola("explain", "--users", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("user 0 owns rows [0, 3]").contains("user 1 owns rows [1, 4]")
                .contains("user 2 owns rows [2, 5]").contains("user 2: dL/dh_2              shape [12, 8]");
        Matcher m = Pattern.compile("\\(4\\) dL/dh ([0-9.e+-]+), \\(5\\) fit ([0-9.e+-]+)").matcher(r.out());
        int users = 0;
        while (m.find()) {
            users++;
            assertThat(Double.parseDouble(m.group(1))).isLessThan(1e-12);
            assertThat(Double.parseDouble(m.group(2))).isLessThan(1e-12);
        }
        assertThat(users).isEqualTo(3);
        UsersWalkthrough.Result res = new UsersWalkthrough(new PrintStream(new ByteArrayOutputStream()))
                .run(FX, AuxiliaryKind.LINEAR, "blocks.1.mlp.fc2", 4);
        assertThat(res.rowsPerUser()).hasSize(4);
        assertThat(res.rowsPerUser().get(3)).containsExactly(3, 7);
        assertThat(res.gradHRel().values()).allSatisfy(d -> assertThat(d).isLessThan(1e-12));
        assertThat(res.fitRel().values()).allSatisfy(d -> assertThat(d).isLessThan(1e-12));
    }

    @Test
    void badModesAreUsageErrors() {
        String[][] cases = {
                {"--merged", "--aux", "mlp", "--merged needs --aux lowrank or linear"},
                {"--interval", "65", "--interval must be <= 64, got 65"},
                {"--interval", "0", "--interval must be >= 1"},
                {"--users", "1", "--users must be >= 2"},
                {"--users", "9", "--users must be <= 8, got 9"},
                {"--merged", "--users", "2", "choose one of --merged, --interval and --users"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "explain";
            System.arraycopy(c, 0, args, 1, c.length - 1);
            MainTest.Result r = MainTest.cola(args);
            assertThat(r.code()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err()).contains(c[c.length - 1]);
        }
    }
}
