/**
 * Fine-tuning as a service in one process: {@link Server}, UserDevice, Transport, Cola/Lora/FullSession, AnalyticBytes.
 * Guarantees: payload = Σ rows × (in + out) × bytes exactly; memory = analytic formula; ColA stops a bad user alone.
 * TransportTest, LedgerTest, NanIsolationTest, SessionEquivalenceTest (ColA ≡ multi-tenant LoRA in float64).
 * The digits MLP base lives in the pretraining cache ({@link DigitsPretrainCache}: a loaded base is bit-identical to a
 * fresh one; DigitsPretrainCacheTest). {@link MethodResult#tailMetrics}: mean of the last k evaluations per user.
 */
package cola4j.gl.app.ftaas;
