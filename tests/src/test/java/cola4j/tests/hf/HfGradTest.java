package cola4j.tests.hf;

import static cola4j.autograd.GradCheck.Config.MODEL;
import static cola4j.autograd.GradCheck.MODEL_TOL;
import static cola4j.autograd.GradCheck.checkParams;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.models.ForwardContext;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.tensor.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every parameter's loss gradient of the four fixture models (what full fine-tuning uses) against central finite
 * differences ({@code GradCheck.checkParams}: 3 sampled entries per parameter, {@code Config.MODEL}, MODEL_TOL),
 * float64.
 */
class HfGradTest {
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert", "roberta", "bart"})
    void lossGradientMatchesFiniteDifferences(String name) throws Exception {
        HfModel m = HfLoader.load(HfFixtures.dir(name), DType.FLOAT64).model();
        HfInputs in = HfFixtures.inputs(HfFixtures.expected(name).tensors());
        int n = checkParams(() -> m.loss(in, ForwardContext.eval()), m.namedParameters(), 3, 7, MODEL)
                .require(name, MODEL_TOL).checked();
        int want = m.namedParameters().values().stream().mapToInt(v -> Math.min(3, v.value().numel())).sum();
        assertThat(n).as("min(3, numel) entries of every parameter").isEqualTo(want);
    }
}
