package cola4j.gl.app.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.train.BaseIdentity;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link FrozenBase}: a run that changes its copy's weights in place leaves the next copy untouched. */
class FrozenBaseTest {
    @Test
    void inPlaceChangesOfOneCopyNeverReachTheNext() {
        Workload pretrained = Workloads.create("mlp", "tiny", DType.FLOAT32, 3);
        BaseIdentity before = BaseIdentity.of(pretrained.model());
        FrozenBase base = new FrozenBase(pretrained, "mlp", "tiny", DType.FLOAT32, 3);
        assertThat(base.identity()).isEqualTo(before);

        Workload first = base.fresh();
        // what ColA's merged pass and PiSSA's residual do: W −= ΔW on the weight's own storage
        for (Site s : first.model().sites().values()) {
            s.subtractDelta(Tensor.ones(DType.FLOAT32, s.outFeatures(), s.inFeatures()), null);
        }
        assertThat(BaseIdentity.of(first.model())).isNotEqualTo(before);

        Workload second = base.fresh();                          // throws if the snapshot had been changed
        assertThat(BaseIdentity.of(second.model())).isEqualTo(before);
        assertThat(BaseIdentity.of(pretrained.model())).isEqualTo(before);
    }
}
