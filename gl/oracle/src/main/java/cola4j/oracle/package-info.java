/**
 * Test support: the SameDiff gradient oracle ({@link SameDiffOracle}), our transformer rebuilt in it (SdTransformer).
 * Gradients come from libnd4j's own backprop kernels (no shared code); agreement: max-norm relative error ≤ 1e-10.
 * SameDiffOracle → SameDiffCrossCheckTest, SameDiffBlockTest, SameDiffModelsTest (tests/); also cola bench samediff.
 */
package cola4j.oracle;
