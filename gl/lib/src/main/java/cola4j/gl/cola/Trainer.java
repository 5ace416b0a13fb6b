package cola4j.gl.cola;

import cola4j.tensor.Rng;

/**
 * One fine-tuning method on a shared base model: ColA, LoRA (backprop through adapters), IA3 or full
 * fine-tuning. A step consumes one batch; which rows belong to which user is given by the routing (single-user
 * methods require a single-user routing).
 */
public interface Trainer {
    /** Method name as on the command line (cola, lora, ia3, full, prompt, prefix). */
    String method();

    /**
     * Trains on one batch.
     *
     * @param loss       the batch loss given a forward context
     * @param routing    the owner of each row
     * @param dropoutRng dropout masks (null: no dropout)
     * @return the batch loss before the update
     */
    double step(LossFunction loss, RowRouting routing, Rng dropoutRng);
}
