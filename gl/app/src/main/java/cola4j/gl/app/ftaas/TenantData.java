package cola4j.gl.app.ftaas;

import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * The data side of a {@link TenantWorkload}: what a user device needs to draw and send its own training rows,
 * without the base model. Over the network a user process builds one of these and sends {@link #encode}d batches;
 * the server turns them back with {@link TenantWorkload#decode}, which checks everything.
 *
 * @param <B> the batch type
 */
public interface TenantData<B> {
    /** Name of user {@code user}'s downstream task (e.g. {@code rotate}). */
    String taskName(int user);

    /**
     * User {@code user} takes task {@code task} instead of the one assigned by id (before its first batch).
     *
     * @throws IllegalArgumentException for a task this data does not have
     * @throws UnsupportedOperationException where tasks cannot be chosen
     */
    default void choose(int user, String task) {
        throw new UnsupportedOperationException("tasks cannot be chosen here");
    }

    /** {@code rows} training examples of user {@code user}'s task drawn with {@code rng}. */
    B sample(int user, int rows, Rng rng);

    /** The batch as named tensors, losslessly (the server's decode gives back an equal batch). */
    LinkedHashMap<String, Tensor> encode(B batch);
}
