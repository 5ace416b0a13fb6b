package cola4j.gl.auxiliary;

import cola4j.tensor.DType;

/**
 * Everything needed to build any auxiliary type by name (what a command line or a run config carries). Each type
 * reads only its own fields: lowrank/embedding use rank, alpha, dtype, seed; linear uses bias, dtype; mlp uses
 * hiddenSize, hiddenLayers, activation, bias, dtype, seed.
 *
 * @param rank         LoRA rank r (lowrank, embedding)
 * @param alpha        LoRA α; output scale α / r (lowrank, embedding)
 * @param hiddenSize   hidden width (mlp)
 * @param hiddenLayers number of hidden layers (mlp)
 * @param activation   hidden nonlinearity (mlp)
 * @param bias         whether linear layers have a bias (linear, mlp)
 * @param dtype        parameter element type (all)
 * @param seed         initialization seed (lowrank, embedding, mlp); sites should use distinct seeds
 */
public record AuxSpec(int rank, double alpha, int hiddenSize, int hiddenLayers, Activation activation, boolean bias,
                      DType dtype, long seed) {
    /** PEFT-like defaults: r = 8, α = 8; MLP 128 wide, 1 hidden layer, ReLU, with bias. */
    public static AuxSpec defaults(DType dtype, long seed) {
        return new AuxSpec(8, 8, 128, 1, Activation.RELU, true, dtype, seed);
    }

    /** The same spec with another seed (one per site). */
    public AuxSpec withSeed(long s) {
        return new AuxSpec(rank, alpha, hiddenSize, hiddenLayers, activation, bias, dtype, s);
    }

    public LowRankConfig lowRank() {
        return new LowRankConfig(rank, alpha, dtype, seed);
    }

    public LinearConfig linear() {
        return new LinearConfig(bias, dtype);
    }

    public MlpConfig mlp() {
        return new MlpConfig(hiddenSize, hiddenLayers, activation, bias, dtype, seed);
    }
}
