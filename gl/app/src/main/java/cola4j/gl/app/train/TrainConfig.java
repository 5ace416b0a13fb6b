package cola4j.gl.app.train;

import cola4j.gl.app.command.Limits;
import cola4j.gl.app.io.DTypeJson;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;

import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Everything that determines the numbers of one {@code cola train} run (saved in {@code training_state.json}; a
 * resumed run must have the same config). Output locations ({@code --out}, {@code --trace}, {@code --json}) and the
 * stop step are not part of it.
 *
 * @param model        base model family: encoder, decoder, seq2seq, mlp
 * @param preset       base model size: tiny, small
 * @param dtype        float32 or float64 (base model, adapters, optimizer state)
 * @param baseSeed     seed of the pretrained base (its cache entry)
 * @param task         downstream task name of the family (user 0's variant)
 * @param method       full, lora, ia3, cola or adalora
 * @param aux          auxiliary type of lora/cola adapters: lowrank, linear, mlp, or embedding (low-rank on the
 *                     token-embedding sites, PEFT's embedding LoRA; ignored by full and ia3)
 * @param rank         LoRA rank r (lowrank)
 * @param alpha        LoRA α (output scale α / r)
 * @param interval     ColA adaptation interval I / gradient accumulation over I batches (backprop methods)
 * @param merged       ColA merged mode (ΔW folded into W for the server pass); cola with lowrank or linear only
 * @param sites        adapted site name suffixes (lora, cola); empty = the family's default
 * @param optimizer    sgd, adam or adamw
 * @param lr           peak learning rate
 * @param schedule     constant, linear (warm-up then linear decay to 0) or cosine (warm-up then half cosine to 0)
 * @param warmup       warm-up optimizer steps (linear, cosine)
 * @param clip         global gradient-norm clip (+∞ = none)
 * @param steps        total training batches N (a multiple of interval)
 * @param batch        examples per batch
 * @param seed         training seed: adapter initialization and, per step, batch sampling and dropout
 * @param evalEvery    evaluate and checkpoint every K batches (a multiple of interval)
 * @param evalExamples held-out examples per evaluation
 * @param fitEpochs    ColA: E passes of the user over each interval's buffer (1 = Gradient Learning; 0, absent in
 *                     state files of earlier versions, reads as 1)
 * @param fitBatch     ColA: rows per user optimizer step within a pass (0 = the whole buffer)
 * @param staleness    ColA: k, the steps by which the user's update reaches the server late (0 = none)
 * @param loraVariant  form of the low-rank adapters of lora/cola ({@link LoraVariant}): lora, rslora (scale α/√r),
 *                     pissa (SVD init, the base keeps W0 − s·B·A), dora (magnitude and direction); null reads as
 *                     lora; anything but lora needs {@code aux lowrank} and method lora or cola
 * @param adalora      AdaLoRA's settings: present exactly for method adalora (null otherwise, and in state files of
 *                     earlier versions)
 * @param virtualTokens prompt/prefix: n, the virtual tokens (0 for the other methods and in older state files)
 * @param prefixHidden prefix: H, the width of the reparameterisation MLP (0 = none; 0 for the other methods)
 */
public record TrainConfig(@JsonProperty("model") String model, @JsonProperty("preset") String preset,
                          @JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
            @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype,
                          @JsonProperty("base_seed") long baseSeed, @JsonProperty("task") String task,
                          @JsonProperty("method") TrainMethod method,
                          @JsonProperty("aux") AuxiliaryKind aux, @JsonProperty("rank") int rank,
                          @JsonProperty("alpha") double alpha,
                          @JsonProperty("interval") int interval, @JsonProperty("merged") boolean merged,
                          @JsonProperty("sites") List<String> sites,
                          @JsonProperty("optimizer") OptimizerKind optimizer, @JsonProperty("lr") double lr,
                          @JsonProperty("schedule") ScheduleKind schedule,
                          @JsonProperty("warmup") int warmup, @JsonProperty("clip") double clip,
                          @JsonProperty("steps") int steps,
                          @JsonProperty("batch") int batch, @JsonProperty("seed") long seed,
                          @JsonProperty("eval_every") int evalEvery,
                          @JsonProperty("eval_examples") int evalExamples,
                          @JsonProperty("fit_epochs") int fitEpochs, @JsonProperty("fit_batch") int fitBatch,
                          @JsonProperty("staleness") int staleness,
                          @JsonProperty("lora_variant") LoraVariant loraVariant,
                          @JsonProperty("adalora") AdaLoraSettings adalora,
                          @JsonProperty("virtual_tokens") int virtualTokens,
                          @JsonProperty("prefix_hidden") int prefixHidden) {
    /** Largest batch (examples per step): the {@code --batch} option's bound, {@link Limits#MAX_BATCH}. */
    public static final int MAX_BATCH = Limits.MAX_BATCH;
    /** Largest {@code --num-virtual-tokens} (the model's context length bounds it further). */
    public static final int MAX_VIRTUAL_TOKENS = 1000;
    /** Largest {@code --prefix-hidden}. */
    public static final int MAX_PREFIX_HIDDEN = 4096;
    /** Largest held-out sample per evaluation: the {@code --eval-examples} option's bound, {@link Limits#MAX_EVAL}. */
    public static final int MAX_EVAL_EXAMPLES = Limits.MAX_EVAL;

    /** Checks every field; IllegalArgumentException naming the field and the value. */
    public TrainConfig {
        check(method != null, "method is required (one of " + TrainMethod.names() + ")");
        check(aux != null, "aux is required (one of " + AuxiliaryKind.names() + ")");
        check(optimizer != null, "optimizer is required (one of " + OptimizerKind.names() + ")");
        check(schedule != null, "schedule is required (one of " + ScheduleKind.names() + ")");
        check(dtype != null, "dtype is required (float32 or float64)");
        check(rank >= 1, "rank must be >= 1, got " + rank);
        check(alpha > 0 && Double.isFinite(alpha), "alpha must be finite and > 0, got " + alpha);
        check(interval >= 1, "interval must be >= 1, got " + interval);
        check(steps >= 1, "steps must be >= 1, got " + steps);
        check(batch >= 1 && batch <= MAX_BATCH, "batch must be in [1, " + MAX_BATCH + "], got " + batch);
        check(evalExamples >= 1 && evalExamples <= MAX_EVAL_EXAMPLES,
                "eval examples must be in [1, " + MAX_EVAL_EXAMPLES + "], got " + evalExamples);
        check(lr >= 0 && Double.isFinite(lr), "lr must be finite and >= 0, got " + lr);
        check(clip > 0, "clip must be > 0, got " + clip);
        check(warmup >= 0 && warmup <= optimizerSteps(steps, interval),
                "warmup must be in [0, " + optimizerSteps(steps, interval) + "] optimizer steps, got " + warmup);
        check(steps % interval == 0, "steps " + steps + " must be a multiple of the interval " + interval
                + " (checkpoints fall between intervals)");
        check(evalEvery >= 1 && evalEvery % interval == 0,
                "eval-every " + evalEvery + " must be a positive multiple of the interval " + interval);
        check(!merged || method == TrainMethod.COLA, "--merged applies to method cola only (got " + method + ")");
        check(!merged || aux.mergeable(),
                "--merged needs a mergeable auxiliary (lowrank, linear or embedding); mlp is nonlinear in x");
        if (fitEpochs == 0) fitEpochs = 1;
        check(fitEpochs >= 1 && fitEpochs <= UserFitConfig.MAX_EPOCHS,
                "fit-epochs must be in [1, " + UserFitConfig.MAX_EPOCHS + "], got " + fitEpochs);
        check(fitBatch >= 0, "fit-batch must be >= 0, got " + fitBatch);
        check(staleness >= 0 && staleness <= StaleColaTrainer.MAX_STALENESS,
                "staleness must be in [0, " + StaleColaTrainer.MAX_STALENESS + "], got " + staleness);
        check((fitEpochs == 1 && fitBatch == 0 && staleness == 0) || method == TrainMethod.COLA,
                "--fit-epochs, --fit-batch and --staleness apply to method cola only (got " + method + ")");
        check(staleness == 0 || (interval == 1 && fitEpochs == 1 && fitBatch == 0),
                "--staleness needs --interval 1 and one fit pass (no --fit-epochs/--fit-batch)");
        if (loraVariant == null) loraVariant = LoraVariant.LORA;
        boolean siteAux = method == TrainMethod.LORA || method == TrainMethod.COLA;
        check(loraVariant == LoraVariant.LORA || (siteAux && aux == AuxiliaryKind.LOWRANK),
                "--lora-variant " + loraVariant + " needs --aux lowrank and method lora or cola (got " + method
                        + ", aux " + aux + ")");
        check((adalora != null) == (method == TrainMethod.ADALORA),
                "AdaLoRA settings go with method adalora only (got " + method + ")");
        check(adalora == null || aux == AuxiliaryKind.LOWRANK,
                "--aux does not apply to adalora (its adapter is AdaLoRA's SVD form; leave --aux at lowrank)");
        if (adalora != null) {
            try {
                adalora.toConfig(optimizerSteps(steps, interval));
            } catch (IllegalArgumentException e) {
                check(false, e.getMessage());
            }
        }
        check(method.virtualTokens() ? virtualTokens >= 1 && virtualTokens <= MAX_VIRTUAL_TOKENS : virtualTokens == 0,
                "virtual tokens must be in [1, " + MAX_VIRTUAL_TOKENS + "] for prompt and prefix and absent otherwise,"
                        + " got " + virtualTokens + " for " + method);
        check(method == TrainMethod.PREFIX ? prefixHidden >= 0 && prefixHidden <= MAX_PREFIX_HIDDEN
                : prefixHidden == 0, "prefix-hidden must be in [0, " + MAX_PREFIX_HIDDEN
                        + "] for prefix and absent otherwise, got " + prefixHidden + " for " + method);
        sites = List.copyOf(sites);
    }

    /** A config with every field but the LoRA variant (plain LoRA): the arity before {@code --lora-variant}. */
    public TrainConfig(String model, String preset, DType dtype, long baseSeed, String task, TrainMethod method,
                       AuxiliaryKind aux, int rank, double alpha, int interval, boolean merged, List<String> sites,
                       OptimizerKind optimizer, double lr, ScheduleKind schedule, int warmup, double clip, int steps,
                       int batch, long seed, int evalEvery, int evalExamples, int fitEpochs, int fitBatch,
                       int staleness) {
        this(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites, optimizer, lr,
                schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, fitEpochs, fitBatch, staleness,
                LoraVariant.LORA, null, 0, 0);
    }

    /** A config of method lora or cola with the given LoRA variant (no AdaLoRA settings). */
    public TrainConfig(String model, String preset, DType dtype, long baseSeed, String task, TrainMethod method,
                       AuxiliaryKind aux, int rank, double alpha, int interval, boolean merged, List<String> sites,
                       OptimizerKind optimizer, double lr, ScheduleKind schedule, int warmup, double clip, int steps,
                       int batch, long seed, int evalEvery, int evalExamples, int fitEpochs, int fitBatch,
                       int staleness, LoraVariant loraVariant) {
        this(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites, optimizer, lr,
                schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, fitEpochs, fitBatch, staleness,
                loraVariant, null, 0, 0);
    }

    /** A config of method prompt or prefix: n virtual tokens, prefix MLP width H (plain LoRA fields unused). */
    public TrainConfig(String model, String preset, DType dtype, long baseSeed, String task, TrainMethod method,
                       AuxiliaryKind aux, int rank, double alpha, int interval, boolean merged, List<String> sites,
                       OptimizerKind optimizer, double lr, ScheduleKind schedule, int warmup, double clip, int steps,
                       int batch, long seed, int evalEvery, int evalExamples, int fitEpochs, int fitBatch,
                       int staleness, int virtualTokens, int prefixHidden) {
        this(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites, optimizer, lr,
                schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, fitEpochs, fitBatch, staleness,
                LoraVariant.LORA, null, virtualTokens, prefixHidden);
    }

    /** A config without fit epochs, fit batch or staleness (the arity of earlier versions). */
    public TrainConfig(String model, String preset, DType dtype, long baseSeed, String task, TrainMethod method,
                       AuxiliaryKind aux, int rank, double alpha, int interval, boolean merged, List<String> sites,
                       OptimizerKind optimizer, double lr, ScheduleKind schedule, int warmup, double clip, int steps,
                       int batch, long seed, int evalEvery, int evalExamples) {
        this(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites, optimizer, lr,
                schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, 1, 0, 0);
    }

    /** The same config adapting {@code sites} (every other field kept, fit epochs and staleness included). */
    public TrainConfig withSites(List<String> sites) {
        return new TrainConfig(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites,
                optimizer, lr, schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, fitEpochs, fitBatch,
                staleness, loraVariant, adalora, virtualTokens, prefixHidden);
    }

    /** The same config with n virtual tokens and prefix MLP width H (prompt, prefix). */
    public TrainConfig withVirtualTokens(int n, int hidden) {
        return new TrainConfig(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged, sites,
                optimizer, lr, schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples, fitEpochs, fitBatch,
                staleness, loraVariant, adalora, n, hidden);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("train config: " + message);
    }

    /** Number of optimizer updates of a run: steps / interval. */
    public static int optimizerSteps(int steps, int interval) {
        return Math.max(1, steps / Math.max(1, interval));
    }

    /** True for methods with adapters on sites (lora, cola). */
    public boolean hasSiteAuxiliaries() {
        return method == TrainMethod.LORA || method == TrainMethod.COLA;
    }
}
