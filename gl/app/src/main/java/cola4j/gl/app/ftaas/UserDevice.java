package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.gl.FitStep;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The FTaaS user role: owns its auxiliary models, their optimizer state and an adaptation-data buffer; fits by
 * Gradient Learning every I batches it receives, and uploads either its auxiliary parameters (unmerged) or its
 * delta weights (merged). It never sees the base model, the data of other users or the loss.
 */
public interface UserDevice {
    int id();

    UserSpec spec();

    /** One batch of adaptation data (the transport's decoded copy); a fit step when I batches are buffered. */
    Optional<FitStep> receive(List<AdaptationData> data);

    /** Current auxiliary parameters, named {@code site/param} (fresh copies). */
    LinkedHashMap<String, Tensor> parameters();

    /**
     * Current deltas {@code site/delta_weight} [out, in] and {@code site/delta_bias} [out] (linear auxiliaries only).
     */
    LinkedHashMap<String, Tensor> deltas();

    /** The auxiliaries by site (read only; for evaluating the user's adapted model). */
    LinkedHashMap<String, AuxiliaryModel> auxiliaries();
}
