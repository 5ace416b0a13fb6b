package cola4j.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Rng;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DigitsTest {
    private static Digits digits;
    private static DigitsFamily family;

    @BeforeAll
    static void load() {
        digits = Digits.load();
        family = new DigitsFamily();
    }

    /** A hand-made image: pixel (r, c) holds (8r + c) / 64, so every pixel is distinct and identifies its position. */
    private static double[] positional() {
        double[] img = new double[64];
        for (int i = 0; i < 64; i++) img[i] = i / 64.0;
        return img;
    }

    private static double at(double[] img, int r, int c) {
        return img[8 * r + c];
    }

    @Test
    void loadsAllRowsWithTheKnownLabelCounts() {
        assertThat(digits.size()).isEqualTo(1797);
        // counts from the CSV (awk over column 65): 178 182 177 183 181 182 181 179 174 180
        assertThat(digits.labelCounts()).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        // first row of the file
        assertThat(digits.pixels(0)).startsWith(0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0);
        assertThat(digits.label(0)).isZero();
        assertThat(Digits.class.getResource("/cola4j/models/data/digits/README.md"))
                .as("attribution beside the data").isNotNull();
    }

    @Test
    void splitIsDeterministicDisjointAndNormalized() {
        Digits.Split a = digits.split(0, 0.2), b = digits.split(0, 0.2), c = digits.split(1, 0.2);
        assertThat(a.train().size()).isEqualTo(1438);
        assertThat(a.test().size()).isEqualTo(359);
        assertThat(a.train()).isEqualTo(b.train());
        assertThat(a.test()).isEqualTo(b.test());
        assertThat(a.test()).isNotEqualTo(c.test());
        double min = 1, max = 0;
        for (double[] row : a.train().x()) for (double v : row) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(0.0);
        assertThat(max).isEqualTo(1.0);
        // train + test together hold every row exactly once (compare raw multisets via string keys)
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < digits.size(); i++) {
            all.add(java.util.Arrays.toString(Digits.normalize(digits.pixels(i))) + digits.label(i));
        }
        List<String> split = new java.util.ArrayList<>();
        for (VectorBatch vb : List.of(a.train(), a.test()))
            for (int i = 0; i < vb.size(); i++) split.add(java.util.Arrays.toString(vb.x()[i]) + vb.y()[i]);
        assertThat(split).containsExactlyInAnyOrderElementsOf(all);
        assertThatThrownBy(() -> digits.split(0, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void elementaryShiftsFollowTheStatedConventions() {
        double[] img = positional();
        double[] r90 = ImageShift.ROT90.apply(img), r180 = ImageShift.ROT180.apply(img),
                r270 = ImageShift.ROT270.apply(img);
        double[] fh = ImageShift.FLIP_H.apply(img), fv = ImageShift.FLIP_V.apply(img),
                inv = ImageShift.INVERT.apply(img);
        double[] tr = ImageShift.TRANSPOSE.apply(img), atr = ImageShift.ANTI_TRANSPOSE.apply(img);
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                double v = at(img, r, c);
                assertThat(at(r90, c, 7 - r)).isEqualTo(v);
                assertThat(at(r180, 7 - r, 7 - c)).isEqualTo(v);
                assertThat(at(r270, 7 - c, r)).isEqualTo(v);
                assertThat(at(fh, r, 7 - c)).isEqualTo(v);
                assertThat(at(fv, 7 - r, c)).isEqualTo(v);
                assertThat(at(tr, c, r)).isEqualTo(v);
                assertThat(at(atr, 7 - c, 7 - r)).isEqualTo(v);
                assertThat(at(inv, r, c)).isEqualTo(1 - v);
            }
        }
        // a concrete picture: a single lit pixel at the top-left corner moves to the top-right corner under ROT90
        double[] dot = new double[64];
        dot[0] = 1;
        assertThat(ImageShift.ROT90.apply(dot)[7]).isEqualTo(1.0);
        // group relations
        assertThat(ImageShift.ROT90.apply(r90)).containsExactly(r180);
        assertThat(ImageShift.ROT90.apply(r270)).containsExactly(img);
        assertThat(ImageShift.FLIP_H.apply(fv)).containsExactly(r180);
        assertThat(ImageShift.ROT270.apply(fh)).as("transpose = FLIP_H then ROT270").containsExactly(tr);
        assertThat(ImageShift.ROT90.apply(fh)).as("anti-transpose = FLIP_H then ROT90").containsExactly(atr);
        assertThat(img).as("input untouched").containsExactly(positional());
        assertThatThrownBy(() -> ImageShift.ROT90.apply(new double[63])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63");
    }

    @Test
    void perUserShiftsAreDeterministicDistinctAndNeverTheIdentity() {
        double[] img = positional();
        // a shift as a map on (image, label): the image of the positional picture plus the labels 0..9 relabelled
        java.util.function.BiFunction<String, Integer, List<Object>> map = (kind, u) -> {
            DigitShift s = DigitShift.forUser(kind, u);
            int[] labels = new int[10];
            for (int y = 0; y < 10; y++) labels[y] = s.label(y);
            return List.of(boxed(s.apply(img)), boxed(labels));
        };
        List<Object> identity = List.of(boxed(img), boxed(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        Set<List<Object>> rot = new HashSet<>(), flip = new HashSet<>(), mixed = new HashSet<>();
        for (int u = 0; u < 2; u++) {
            rot.add(map.apply("rotate", u));
            flip.add(map.apply("flip", u));
        }
        for (int u = 0; u < 36; u++) {
            List<Object> m = map.apply("mixed", u);
            assertThat(m).as("mixed user " + u + " deterministic").isEqualTo(map.apply("mixed", u));
            assertThat(rot).as("mixed user " + u + " differs from every rotate variant").doesNotContain(m);
            assertThat(flip).as("mixed user " + u + " differs from every flip variant").doesNotContain(m);
            mixed.add(m);
        }
        assertThat(rot).hasSize(2).doesNotContain(identity);
        assertThat(flip).hasSize(2).doesNotContain(identity).doesNotContainAnyElementsOf(rot);
        assertThat(mixed).as("users 0..35 all differ").hasSize(36).doesNotContain(identity);
        assertThat(map.apply("rotate", 2)).isEqualTo(map.apply("rotate", 0));
        assertThat(map.apply("mixed", 36)).isEqualTo(map.apply("mixed", 0));
        assertThat(DigitShift.forUser("rotate", 0).steps()).containsExactly(ImageShift.ROT90);
        assertThat(DigitShift.forUser("rotate", 3).steps()).containsExactly(ImageShift.ROT270);
        assertThat(DigitShift.forUser("flip", 1).steps()).containsExactly(ImageShift.ANTI_TRANSPOSE);
        assertThat(DigitShift.forUser("mixed", 2)).isEqualTo(new DigitShift(List.of(ImageShift.ROT270), 3));
        assertThat(DigitShift.forUser("mixed", 14)).isEqualTo(new DigitShift(List.of(ImageShift.ROT270), 6));
        assertThat(DigitShift.forUser("invert", 5).apply(img)).containsExactly(ImageShift.INVERT.apply(img));
        assertThat(DigitShift.forUser("invert", 5).labelShift()).isZero();
        assertThatThrownBy(() -> new DigitShift(List.of(), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..9");
    }

    @Test
    void tasksApplyTheirShiftAndAreDeterministic() {
        DigitsTask base = family.pretraining(), rot = family.downstream("rotate", 1),
                mix = family.downstream("mixed", 3);
        assertThat(rot.testSet().size()).isEqualTo(359);
        for (int i = 0; i < 10; i++) {
            assertThat(rot.testSet().x()[i]).containsExactly(ImageShift.ROT270.apply(base.testSet().x()[i]));
            assertThat(rot.testSet().y()[i]).isEqualTo(base.testSet().y()[i]);
            assertThat(mix.testSet().x()[i]).containsExactly(ImageShift.ANTI_TRANSPOSE.apply(base.testSet().x()[i]));
            assertThat(mix.testSet().y()[i]).as("labels shifted by 4").isEqualTo((base.testSet().y()[i] + 4) % 10);
            assertThat(mix.trainSet().y()[i]).isEqualTo((base.trainSet().y()[i] + 4) % 10);
        }
        // the commonest test label has 43 of 359 rows; a label permutation keeps the count
        assertThat(base.chance()).isEqualTo(43 / 359.0);
        assertThat(mix.chance()).isEqualTo(base.chance());
        VectorBatch a = rot.batch(64, new Rng(3));
        assertThat(rot.batch(64, new Rng(3))).isEqualTo(a);
        assertThat(rot.batch(64, new Rng(4))).isNotEqualTo(a);
        assertThat(a.dim()).isEqualTo(64);
        assertThat(base.metric()).isEqualTo(Metric.ACCURACY);
        assertThat(family.downstreamNames()).containsExactly("rotate", "flip", "invert", "mixed");
    }

    @Test
    void badNamesListTheAvailableOnes() {
        assertThatThrownBy(() -> family.downstream("rot", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rot'").hasMessageContaining("[rotate, flip, invert, mixed]");
        assertThatThrownBy(() -> family.pretraining("mnist")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[digits]");
        assertThatThrownBy(() -> family.downstream("flip", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Double> boxed(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    private static List<Integer> boxed(int[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
