package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The model and data side of a fine-tuning-as-a-service session, kept pluggable: a pretrained base model, one
 * downstream task per user, a grouped loss for mixed batches and a metric. The FTaaS roles ({@link Server},
 * {@link UserDevice}) never look inside a batch; they only pass it to these methods.
 *
 * <p>Grouped loss of a mixed batch with row groups g(r):
 * <pre>
 *   L = Σ_g  mean_{r : g(r) = g} ℓ_r
 * </pre>
 * so that dL/dθ_u for user u's parameters equals the gradient of u's own mean loss (each user is trained as if it
 * had the batch to itself). A single group gives the ordinary mean.
 *
 * @param <B> the batch type (opaque to the session)
 */
public interface TenantWorkload<B> extends TenantData<B> {
    /** The pretrained base model (the server's copy; ColA and LoRA keep it frozen). */
    Model base();

    /** A new model holding a copy of the base weights (full fine-tuning gives every user one). */
    Model copyOfBase();

    /** The sites of {@code model} that are adapted (by name, the same for every copy of the base). */
    List<Site> adaptedSites(Model model);


    /**
     * Site rows per example: 1 for vector inputs, T for fixed-length sequences (the adaptation data of one example is
     * positionsPerRow rows of [in] and [out] per site). Used by the analytic transfer formula.
     */
    default int positionsPerRow() {
        return 1;
    }

    /** Name of the metric {@link #evaluate} returns (e.g. {@code accuracy}). */
    String metricName();


    /**
     * A batch a user sent over the network ({@link TenantData#encode}d): names, shapes, dtypes and value ranges are
     * checked, with at most {@code maxRows} rows; IllegalArgumentException naming the first problem otherwise.
     */
    B decode(Map<String, Tensor> tensors, int maxRows);

    /** The rows of all parts, in order. */
    B concat(List<B> parts);

    /** Number of rows of a batch. */
    int rows(B batch);

    /**
     * Throws IllegalArgumentException naming {@code what} if the batch holds a non-finite input value (a server
     * rejects such a batch before it can poison a mixed batch).
     */
    void requireFinite(B batch, String what);

    /** The grouped loss above; {@code rowGroup[r] >= 0} is row r's group, one entry per row. Scalar. */
    Var loss(Model model, B batch, int[] rowGroup, ForwardContext ctx);

    /**
     * The metric of user {@code user}'s task on its held-out set, computed with {@code model} in the context
     * {@code ctx} (eval mode; its interceptor adds the user's adapters when there are any), under no-grad.
     */
    double evaluate(Model model, int user, ForwardContext ctx);
}
