/**
 * Dense float32/float64 {@link Tensor} values, with DType, Shapes, seeded Rng and the kernels. Two backends
 * ({@link Backend}, one per process): heap arrays with this package's loops and OpenBLAS (default), or ND4J
 * INDArrays with ND4J kernels (Nd4jKernels, Nd4jLayout, Nd4jFused; the GPU under -Pcuda), copies between them
 * counted in {@link Transfers} → Nd4jBackendTest (float64 ≤ 1e-12 on every primitive), tests' CrossBackendStepTest.
 * NumPy broadcasting, row-major; every op returns a new tensor; MatMul computes C = op(A)·op(B) through OpenBLAS.
 * Tensor, MatMul → ElementwiseTest, MatMulTest, ReductionsTest, LayoutTest (naive loops) → SameDiffCrossCheckTest.
 * Fused (GELU, last-axis softmax, layer norm: one pass, forward and VJP) → autograd FusedKernelsTest (= the composite
 * definitions, float64 ≤ 1e-13); the fast paths pow(x, 1), pow(x, 2), periodic where → FastPathsTest
 * (bit-identical). Parallel: large kernels split over independent outputs on one pool (COLA_THREADS, default all
 * cores; small calls stay on the caller) → ParallelKernelsTest (serial = split, bit for bit, float32 and float64).
 */
package cola4j.tensor;
