/**
 * Dense float32/float64 {@link Tensor} values on the JVM heap, with DType, Shapes, seeded Rng and the kernels.
 * NumPy broadcasting, row-major; every op returns a new tensor; MatMul computes C = op(A)·op(B) through OpenBLAS.
 * Tensor, MatMul → ElementwiseTest, MatMulTest, ReductionsTest, LayoutTest (naive loops) → SameDiffCrossCheckTest.
 */
package cola4j.tensor;
