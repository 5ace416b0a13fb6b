/**
 * Fine-tuning as a service in one process: {@link Server}, UserDevice, Transport, Cola/Lora/FullSession, AnalyticBytes.
 * Guarantees: payload = Σ rows × (in + out) × bytes exactly; memory = analytic formula; ColA stops a bad user alone.
 * TransportTest, LedgerTest, NanIsolationTest, SessionEquivalenceTest (ColA ≡ multi-tenant LoRA in float64).
 * Research instruments: UserShapley (φ_u of merged-average users, v(S) = mean metric of base + S's mean ΔW; exact
 * K ≤ 6, sampled above; UserShapleyTest); GradCompression and CompressedTransport (dL/dh by top-k or a seeded
 * projection, ĝ = P·Rᵀ, payload Σ rows·(in + c); GradCompressionTest); KnowledgeLedger and LedgerTransport (who
 * received which tensor; KnowledgeLedgerTest).
 * The digits MLP base lives in the pretraining cache ({@link DigitsPretrainCache}: a loaded base is bit-identical to a
 * fresh one; DigitsPretrainCacheTest). {@link MethodResult#tailMetrics}: mean of the last k evaluations per user.
 * Hugging Face models with one data file per user: {@link HfTenants} (batches right-padded to one T, so the payload
 * formula holds; checked wire form) → HfTenantsTest (float64 ColA unmerged/merged ≡ multi-tenant LoRA on the GPT-2
 * fixture).
 * SessionLimits: size bounds (Limits), the network bounds of a user's spec (NET_MAX_*), the one rank-vs-widest-site
 * check (rankProblem) and the session estimate; UserPattern entries bounded by Limits → UserPatternTest,
 * ModelBoundsTest. AnalyticBytes.activationEstimate (4·X) is the activation term of every memory estimate.
 */
package cola4j.gl.app.ftaas;
