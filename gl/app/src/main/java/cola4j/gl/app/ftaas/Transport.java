package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The channel between the {@link Server} and the {@link UserDevice}s. Every message is serialized to bytes and the
 * receiver works only on what it decodes, so an implementation over a network (or a process boundary) can replace
 * the in-process one without changing either role. It carries adaptation data down and auxiliary parameters or
 * deltas up; the users' training data and registration are handed to the {@link Server} directly in this process
 * and are not counted (see the {@link Server} comment for the messages a networked version must add).
 */
public interface Transport {
    /** Server → user {@code user}: one batch's adaptation data (every adapted site); returns the receiver's copy. */
    List<AdaptationData> down(int user, List<AdaptationData> data);

    /**
     * User → server: named tensors (auxiliary parameters {@code site/param}, or deltas {@code site/delta_weight},
     * {@code site/delta_bias}); returns the receiver's copy, in the same order.
     */
    LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors);

    /** Bytes carried so far. */
    TransferStats stats();
}
