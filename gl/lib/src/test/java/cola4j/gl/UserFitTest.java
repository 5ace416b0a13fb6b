package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Adaptation interval I: one step on the concatenation of I batches = one step on the summed gradients. */
class UserFitTest {
    static final int I = 3;

    static LinkedHashMap<String, Tensor> values(AuxiliaryModel aux) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        aux.namedParameters().forEach((k, p) -> m.put(k, p.value()));
        return m;
    }

    /** The one-site map {"site": aux} ({@link GlFixture#serverPass} names its data "site"). */
    static LinkedHashMap<String, AuxiliaryModel> site(AuxiliaryModel aux) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        m.put("site", aux);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "linear", "mlp", "embedding"})
    void bufferedStepEqualsStepOnSummedGradients(String type) {
        List<Function<LinkedHashMap<String, Var>, Optimizer>> optimizers = List.of(
                m -> new Sgd(m, new SgdConfig(0.05, 0.9, 0, 0.01, true)),
                m -> new Adam(m, AdamConfig.adam(0.01)));
        GlFixture f = new GlFixture(type, 31);
        List<Tensor> xs = new ArrayList<>();
        for (int k = 0; k < I; k++) xs.add(f.batch(100 + k));
        for (var make : optimizers) {
            // user side: I server passes at the same w, buffered, then one step on the concatenation
            AuxiliaryModel user = f.aux(9);
            UserFit fit = new UserFit(0, site(user), make.apply(UserFit.parameters(site(user))),
                    UserFitConfig.noClip(I), null);
            Optional<FitStep> step = Optional.empty();
            for (int k = 0; k < I; k++) {
                assertThat(step).isEmpty();
                step = fit.offer(List.of(f.serverPass(user, xs.get(k))));
            }
            assertThat(step).isPresent();
            assertThat(step.get().batches()).isEqualTo(I);
            assertThat(step.get().rows()).isEqualTo(I * GlFixture.B * GlFixture.T);
            assertThat(fit.buffer("site").isEmpty()).isTrue();
            assertThat(fit.buffered()).isZero();

            // reference: accumulate the full-graph gradients of the I per-batch losses, one step
            AuxiliaryModel ref = f.aux(9);
            Optimizer opt = make.apply(ref.namedParameters());
            opt.zeroGrad();
            for (Tensor x : xs) f.fullLoss(ref, x).backward();
            double refNorm = GradClip.clipGlobalNorm(ref.namedParameters().values(), Double.POSITIVE_INFINITY);
            opt.step();

            // compare the updates Δw = w_after − w_before, relative to the largest update
            LinkedHashMap<String, Tensor> init = values(f.aux(9));
            LinkedHashMap<String, Tensor> du = new LinkedHashMap<>(), dr = new LinkedHashMap<>();
            init.forEach((k, w0) -> {
                du.put(k, values(user).get(k).sub(w0));
                dr.put(k, values(ref).get(k).sub(w0));
            });
            double err = GlFixture.relErr(du, dr);
            System.out.printf("interval %d [%s, %s]: max rel err of the update %.3e, grad norm rel err %.3e%n",
                    I, type, opt.getClass().getSimpleName(), err, Math.abs(step.get().gradNorm() - refNorm) / refNorm);
            assertThat(err).isLessThanOrEqualTo(1e-12);
            assertThat(Math.abs(step.get().gradNorm() - refNorm)).isLessThanOrEqualTo(1e-12 * refNorm);
            assertThat(GlFixture.relErr(values(user), values(f.aux(9)))).as("the step changed the parameters")
                    .isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "mlp"})
    void gradientOfConcatenationIsSumOfPerBatchGradients(String type) {
        GlFixture f = new GlFixture(type, 32);
        AuxiliaryModel aux = f.aux(4);
        List<AdaptationData> parts = new ArrayList<>();
        LinkedHashMap<String, Tensor> sum = new LinkedHashMap<>();
        for (int k = 0; k < I; k++) {
            AdaptationData d = f.serverPass(aux, f.batch(200 + k));
            parts.add(d);
            GradientLearning.gradient(aux, d).forEach((n, g) -> sum.merge(n, g, Tensor::add));
        }
        double err = GlFixture.relErr(GradientLearning.gradient(aux, AdaptationData.concat(parts)), sum);
        assertThat(err).isLessThanOrEqualTo(1e-13);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear"})
    void clippingScheduleAndFlush(String type) {
        GlFixture f = new GlFixture(type, 33);
        AuxiliaryModel aux = f.aux(4);
        Sgd sgd = new Sgd(UserFit.parameters(site(aux)), SgdConfig.plain(1.0));
        UserFit fit =
                new UserFit(0, site(aux), sgd, new UserFitConfig(2, 1e-3), LrSchedule.linearWarmupDecay(0.5, 1, 10));
        LinkedHashMap<String, Tensor> before = values(aux);
        assertThat(fit.offer(List.of(f.serverPass(aux, f.batch(1))))).isEmpty();
        assertThat(fit.bufferBytes()).isEqualTo(fit.buffer("site").bytes()).isPositive();
        FitStep s = fit.flush().orElseThrow();
        assertThat(s.batches()).isEqualTo(1);
        assertThat(s.lr()).isEqualTo(0.0); // warm-up step 0
        assertThat(GlFixture.relErr(values(aux), before)).isZero();
        fit.offer(List.of(f.serverPass(aux, f.batch(2))));
        s = fit.offer(List.of(f.serverPass(aux, f.batch(3)))).orElseThrow();
        assertThat(s.step()).isEqualTo(1);
        assertThat(s.lr()).isEqualTo(0.5);
        assertThat(s.gradNorm()).isGreaterThan(1e-3);
        // clipped to norm 1e-3, then lr 0.5: the parameters moved by exactly 0.5 · 1e-3 / (1 + 1e-6/N) in 2-norm
        double moved = 0;
        for (String k : before.keySet()) moved += Math.pow(values(aux).get(k).sub(before.get(k)).norm(), 2);
        assertThat(Math.sqrt(moved)).isCloseTo(0.5 * 1e-3 * s.gradNorm() / (s.gradNorm() + 1e-6),
                org.assertj.core.api.Assertions.within(1e-15));
        assertThat(fit.flush()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowrank"})
    void optimizerMustOwnTheAuxiliaryParameters(String type) {
        GlFixture f = new GlFixture(type, 34);
        AuxiliaryModel a = f.aux(1), other = f.aux(2);
        assertThatThrownBy(() -> new UserFit(0, site(a), new Sgd(UserFit.parameters(site(other)), SgdConfig.plain(1)),
                UserFitConfig.noClip(1), null))
                .hasMessageContaining("'site/lora_A.weight' is not in the optimizer");
    }

    /**
     * Several sites, one optimizer: a site that gets no data in the interval (CopRA's inactive site) is not updated;
     * two parts for one site in one batch are concatenated; data for an unknown site is refused with nothing buffered.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lowrank"})
    void sitesAreBufferedSeparatelyAndOneStepCoversThemAll(String type) {
        GlFixture f = new GlFixture(type, 35);
        AuxiliaryModel a = f.aux(5), b = f.aux(6);
        LinkedHashMap<String, AuxiliaryModel> aux = new LinkedHashMap<>();
        aux.put("a", a);
        aux.put("b", b);
        LinkedHashMap<String, Tensor> a0 = snapshot(a), b0 = snapshot(b);
        double lr = 0.1;
        UserFit fit = new UserFit(0, aux, new Sgd(UserFit.parameters(aux), SgdConfig.plain(lr)),
                UserFitConfig.noClip(3), null);
        AdaptationData a1 = rename("a", f.serverPass(a, f.batch(1))), b1 = rename("b", f.serverPass(b, f.batch(2)));
        AdaptationData a2 = rename("a", f.serverPass(a, f.batch(3))), a3 = rename("a", f.serverPass(a, f.batch(4)));
        assertThat(fit.offer(List.of(a1, b1))).isEmpty();
        assertThat(fit.offer(List.of(a2, a3))).isEmpty();                        // b inactive; two parts for a
        long bytes = fit.bufferBytes();
        assertThat(bytes).isEqualTo(a1.bytes() + b1.bytes() + a2.bytes() + a3.bytes());
        assertThatThrownBy(() -> fit.offer(List.of(a1, rename("c", a1)))).hasMessageContaining("unknown site c");
        assertThat(fit.bufferBytes()).isEqualTo(bytes);
        assertThat(fit.buffered()).isEqualTo(2);
        assertThat(fit.offer(List.of())).isPresent();                             // third batch: nothing for any site

        // reference: w − lr · GL gradient of each site's concatenated data, at the initial parameters
        AuxiliaryModel ra = f.aux(5), rb = f.aux(6);
        LinkedHashMap<String, Tensor> ga = GradientLearning.gradient(ra, AdaptationData.concat(List.of(a1, a2, a3)));
        LinkedHashMap<String, Tensor> gb = GradientLearning.gradient(rb, b1);
        LinkedHashMap<String, Tensor> wantA = new LinkedHashMap<>(), wantB = new LinkedHashMap<>();
        a0.forEach((k, w) -> wantA.put(k, w.sub(ga.get(k).mul(lr))));
        b0.forEach((k, w) -> wantB.put(k, w.sub(gb.get(k).mul(lr))));
        assertThat(GlFixture.relErr(values(a), wantA)).isLessThanOrEqualTo(1e-14);
        assertThat(GlFixture.relErr(values(b), wantB)).isLessThanOrEqualTo(1e-14);
        assertThat(GlFixture.relErr(values(b), b0)).isGreaterThan(1e-6);

        // a fourth and fifth batch without b: b's parameters stay exactly as they are
        LinkedHashMap<String, Tensor> bNow = snapshot(b);
        fit.offer(List.of(rename("a", f.serverPass(a, f.batch(5)))));
        assertThat(fit.flush()).isPresent();
        bNow.forEach((k, w) -> assertThat(values(b).get(k).bitEquals(w)).as(k).isTrue());
    }

    static LinkedHashMap<String, Tensor> snapshot(AuxiliaryModel aux) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        aux.namedParameters().forEach((k, p) -> m.put(k, p.value().copy()));
        return m;
    }

    static AdaptationData rename(String site, AdaptationData d) {
        return new AdaptationData(site, d.x(), d.gradH());
    }
}
