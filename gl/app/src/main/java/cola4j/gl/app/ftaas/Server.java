package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FTaaS server role: holds the frozen base model, queues the users' training data, forms (mixed) batches, runs
 * forward and backward only as far as the hidden-representation gradients, and hands each user its adaptation data.
 * It never holds a trainable parameter, a parameter gradient or optimizer state of any user. Every auxiliary upload
 * arrives through a {@link Transport} (already decoded) and all adaptation data it returns is sent through one.
 *
 * <p>Not through the transport (so not in any byte count): the users' training data ({@link #submit}) and their
 * registration ({@link #register}); in this process they are handed over as objects. A networked version must add
 * two user → server messages: the registration (the {@link UserSpec}: auxiliary type, rank, hidden width, seed;
 * a few hundred bytes of JSON) and one per submitted batch (the examples in the workload's own encoding, e.g. for the
 * digits MLP rows × 64 pixel values plus rows labels; for token sequences rows × T ids), validated on arrival as
 * {@link #submit} does. Per step that adds Σ_users (batch bytes) up, independent of the method: the same data reaches
 * the server under ColA, LoRA and full fine-tuning.
 *
 * @param <B> batch type of the workload
 */
public interface Server<B> {
    /** The mode: unmerged (frozen replicas of the users' auxiliaries), merged (per-user ΔW) or merged-average. */
    ColaMode mode();

    /** Admits a user (its spec tells the server the auxiliary architecture, needed to rebuild replicas). */
    void register(UserSpec spec);

    /** Removes a user and everything the server holds for it (queued data, replica, pending deltas). */
    void remove(int user);

    /** Users currently admitted. */
    Set<Integer> users();

    /**
     * Queues one batch of a user's training data.
     *
     * @throws IllegalArgumentException if the batch has a non-finite value (nothing is queued)
     */
    void submit(int user, B batch);

    /**
     * Receives a user's upload: its auxiliary parameters {@code site/param} (unmerged: the server rebuilds its frozen
     * replica from them) or its deltas {@code site/delta_weight} [out, in], {@code site/delta_bias} [out] (merged
     * modes: held only until the next {@link #step()} consumes them).
     *
     * Unmerged: exactly the names and shapes of the user's auxiliary parameters. Merged modes: exactly
     * {@code site/delta_weight} at every site, plus {@code site/delta_bias} where a linear auxiliary meets a site bias.
     *
     * @throws IllegalArgumentException for an unregistered user, unknown or missing names, wrong shapes or non-finite
     *                                  values (nothing is changed: the replica, a pending delta and the ledger
     *                                  stay as they were)
     */
    void upload(int user, LinkedHashMap<String, Tensor> tensors);

    /**
     * One server step over the head of every non-empty queue: forward, backward, adaptation data. Unmerged and
     * merged-average run one mixed batch; merged runs one sub-batch per user (its ΔW merged, then restored).
     *
     * @return user → adaptation data (one entry per adapted site), for the users whose batch was processed
     * @throws IllegalStateException in merged modes if a user with a queued batch has uploaded no delta for this
     *                               step (nothing is dequeued or processed)
     */
    Map<Integer, List<AdaptationData>> step();

    /**
     * Users the last {@link #step()} removed, and why: those whose own rows give a non-finite loss or adaptation data
     * with their own auxiliaries (unmerged) or ΔW (merged modes), although their data and uploads were finite (e.g. a
     * diverged auxiliary). The step's other users were processed as if these had left before it. Empty if none.
     */
    Map<Integer, String> stoppedInLastStep();
}
