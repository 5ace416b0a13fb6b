package cola4j.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Rng;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassificationFamilyTest {
    private final ClassificationFamily family = new ClassificationFamily();

    private List<ClassificationTask> allTasks() {
        List<ClassificationTask> ts = new java.util.ArrayList<>();
        ts.add(family.pretraining());
        for (String n : family.pretrainingNames()) ts.add(family.pretraining(n));
        for (String n : family.downstreamNames()) for (int u = 0; u < 3; u++) ts.add(family.downstream(n, u));
        return ts;
    }

    @Test
    void sameSeedSameBatchDifferentSeedDifferentBatch() {
        for (ClassificationTask t : allTasks()) {
            ClassificationBatch a = t.batch(32, new Rng(7));
            assertThat(t.batch(32, new Rng(7))).as(t.description()).isEqualTo(a);
            assertThat(t.batch(32, new Rng(8))).as(t.description()).isNotEqualTo(a);
        }
    }

    @Test
    void batchesHaveTheDocumentedLayout() {
        for (ClassificationTask t : allTasks()) {
            ClassificationBatch b = t.batch(200, new Rng(1));
            assertThat(b.seqLen()).isEqualTo(14).isEqualTo(family.seqLen());
            int[] counts = new int[t.numClasses()];
            for (int i = 0; i < b.size(); i++) {
                int[] tok = b.tokens()[i], m = b.mask()[i];
                assertThat(tok[0]).isEqualTo(SymbolVocab.CLS);
                assertThat(tok[1]).isBetween(SymbolVocab.TASK_BASE, SymbolVocab.SYMBOL_BASE - 1);
                int real = 0;
                for (int v : m) real += v;
                assertThat(real - 2).as("body length").isBetween(6, 12);
                for (int p = 0; p < tok.length; p++) {
                    assertThat(m[p]).isEqualTo(p < real ? 1 : 0);
                    if (p >= 2 && p < real) assertThat(SymbolVocab.isSymbol(tok[p])).isTrue();
                    if (p >= real) assertThat(tok[p]).isEqualTo(SymbolVocab.PAD);
                }
                assertThat(b.labels()[i]).isBetween(0, t.numClasses() - 1);
                counts[b.labels()[i]]++;
            }
            if (!t.name().equals("pretrain")) {
                for (int c = 0; c < t.numClasses(); c++)
                    assertThat(counts[c]).as(t.description() + " class " + c + " frequency")
                            .isGreaterThan(200 / t.numClasses() / 4);
            }
        }
    }

    @Test
    void pretrainingMixtureUsesEveryPretrainingPrefixAndNoDownstreamPrefix() {
        ClassificationBatch b = family.pretraining().batch(400, new Rng(3));
        Set<Integer> prefixes = new HashSet<>();
        for (int[] row : b.tokens()) prefixes.add(row[1]);
        Set<Integer> expected = new HashSet<>();
        for (String n : family.pretrainingNames()) expected.add(SymbolVocab.taskToken(n));
        assertThat(prefixes).isEqualTo(expected);
        assertThat(family.pretraining().numClasses()).isEqualTo(4);
    }

    @Test
    void labelFunctionsOnHandExamples() {
        LengthRange len = LengthRange.DEFAULT;
        assertThat(ClassificationProblems.firstLast(len).label(Tokenizer.encode("cabdhc"))).isEqualTo(1);
        assertThat(ClassificationProblems.firstLast(len).label(Tokenizer.encode("cabdch"))).isEqualTo(0);
        assertThat(ClassificationProblems.firstLast(len).label(Tokenizer.encode("aa"))).isEqualTo(1);
        assertThat(ClassificationProblems.majority(len).label(Tokenizer.encode("abbcbd"))).isEqualTo(1);
        assertThat(ClassificationProblems.isSorted(len).label(Tokenizer.encode("011239"))).isEqualTo(1);
        assertThat(ClassificationProblems.isSorted(len).label(Tokenizer.encode("011329"))).isEqualTo(0);
        assertThat(ClassificationProblems.contains(len).label(Tokenizer.encode("cabdca"))).isEqualTo(1);
        assertThat(ClassificationProblems.contains(len).label(Tokenizer.encode("cabdha"))).isEqualTo(0);
        // user 2: k = 5; 9+8+7+6 = 30 -> 0; 9+8+7+6+4 = 34 -> 4
        assertThat(ClassificationProblems.sumModK(2)).isEqualTo(5);
        assertThat(ClassificationProblems.sumModK(len, 2).label(Tokenizer.encode("9876"))).isEqualTo(0);
        assertThat(ClassificationProblems.sumModK(len, 2).label(Tokenizer.encode("98764"))).isEqualTo(4);
        // user 1 counts 'b'
        assertThat(ClassificationProblems.countSymbol(len, 1).label(Tokenizer.encode("bbabhb"))).isEqualTo(4);
        // user 0: first derangement of 0..3 in lexicographic order is [1, 0, 3, 2]; majority 'c' (2) -> 3
        assertThat(ClassificationProblems.majorityDerangement(0)).containsExactly(1, 0, 3, 2);
        assertThat(ClassificationProblems.permutedMajority(len, 0).label(Tokenizer.encode("cccabd"))).isEqualTo(3);
        assertThat(ClassificationProblems.derangements(4)).hasSize(9);
    }

    @Test
    void userVariantsDiffer() {
        Set<Integer> ks = new HashSet<>();
        Set<List<Integer>> perms = new HashSet<>();
        Set<Integer> symbols = new HashSet<>();
        for (int u = 0; u < 8; u++) {
            ks.add(ClassificationProblems.sumModK(u));
            symbols.add(ClassificationProblems.countSymbol(u));
        }
        for (int u = 0; u < 9; u++) {
            perms.add(java.util.Arrays.stream(ClassificationProblems.majorityDerangement(u)).boxed().toList());
        }
        assertThat(ks).hasSize(8);
        assertThat(symbols).hasSize(8);
        assertThat(perms).hasSize(9);
        // and the labels of two users on the same inputs disagree often
        for (String name : family.downstreamNames()) {
            ClassificationTask t0 = family.downstream(name, 0), t1 = family.downstream(name, 1);
            assertThat(t0.description()).isNotEqualTo(t1.description());
            ClassificationProblem p0 = t0.problems().get(0), p1 = t1.problems().get(0);
            Rng rng = new Rng(11);
            int differ = 0, n = 500;
            for (int i = 0; i < n; i++) {
                int[] body = p0.sample(rng);
                if (p0.label(body) != p1.label(body)) differ++;
            }
            assertThat(differ).as(name + ": users 0 and 1 disagree").isGreaterThan(n / 4);
        }
    }

    @Test
    void downstreamLabelsAreNotPretrainingLabels() {
        LengthRange len = LengthRange.DEFAULT;
        List<ClassificationProblem> pre = List.of(ClassificationProblems.firstLast(len),
                ClassificationProblems.majority(len), ClassificationProblems.isSorted(len),
                ClassificationProblems.contains(len));
        for (String name : family.downstreamNames()) {
            for (int u = 0; u < 4; u++) {
                ClassificationProblem d = family.downstream(name, u).problems().get(0);
                Rng rng = new Rng(100 + u);
                int n = 1000;
                int[] agree = new int[pre.size()];
                for (int i = 0; i < n; i++) {
                    int[] body = d.sample(rng);
                    int y = d.label(body);
                    for (int j = 0; j < pre.size(); j++) if (pre.get(j).label(body) == y) agree[j]++;
                }
                for (int j = 0; j < pre.size(); j++)
                    assertThat(agree[j] / (double) n).as(name + " user " + u + " vs " + pre.get(j).name())
                            .isLessThan(0.6);
                if (name.equals("permuted_majority")) {
                    assertThat(agree[1]).as("derangement never keeps the majority label").isZero();
                }
            }
        }
    }

    @Test
    void badNamesListTheAvailableOnes() {
        assertThatThrownBy(() -> family.downstream("sum_mod", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum_mod").hasMessageContaining("[sum_mod_k, permuted_majority, count_symbol]");
        assertThatThrownBy(() -> family.pretraining("copy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[first_last, majority, is_sorted, contains]");
        assertThatThrownBy(() -> family.downstream("sum_mod_k", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new LengthRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
