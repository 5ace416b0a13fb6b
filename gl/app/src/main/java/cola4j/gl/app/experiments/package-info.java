/**
 * The CopRA study of cola copra: {@link CopraExperiment}, CopraConfig, rows over seeds (CopraRow, MeanStd).
 * Guarantees: same seed, same numbers; the base is restored bit-exactly after each evaluation; Shapley is efficient.
 * CopraExperimentTest (deterministicBaseRestoredAndShapleyEfficient), CopraRowTest, CopraCommandTest.
 */
package cola4j.gl.app.experiments;
