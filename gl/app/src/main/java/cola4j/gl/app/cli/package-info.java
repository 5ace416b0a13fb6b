/**
 * The cola command line: {@link Main} and the subcommands listed in Commands (verify, explain, train, ftaas, demo,
 * …). Guarantees: exit 0 on success, 1 when a command fails, 2 on a usage error (one line and a hint, no stack
 * trace; long options only in full; an exhausted heap is one line naming the size options to lower, exit 1). MainTest,
 * VerifyExplainCommandTest, FtaasCommandTest, CopraCommandTest, DemoCommandTest, EarlyErrorsTest,
 * ArgumentFuzzPropertyTest.
 * InspectCommand (cola inspect): a safetensors file is shown only after the reader's full validation, a checkpoint only
 * after CheckpointAudit; InspectCommandTest, CheckpointCorruptionTest.
 * verify --negative-controls (NegativeControlsRun: exit 0 only if every mutant FAILS), explain --merged/--interval/
 * --users (ExplainModesTest), study (StudyCommandTest), ftaas --fit-epochs (FtaasFitEpochsCommandTest).
 * {@code cola forward} ({@link ForwardCommand}, inputs {@link ForwardInputs}, --hidden {@link SiteRecorder}): logits
 * of a preset or {@code hf:DIR} model for given ids → ForwardCommandTest (tests/: fixture logits at 1e-10).
 * {@code cola train --model hf:DIR --data FILE --task-type T}: HfTraining (what the run's config records, so that
 * --resume rebuilds it) → HfTrainCommandTest.
 * options of cola ftaas (--aux embedding, --shapley, --compress, --ledger: FtaasEmbedding, FtaasShapley,
 * FtaasCompression): FtaasResearchOptionsTest; --model hf:DIR --data F1,F2 --task-type T (FtaasHf): HfTenantsTest.
 * FtaasChecks: every low-rank user's rank ≤ min(d_in, d_out) of the widest adapted site, on a fresh model before
 * pretraining (SessionLimits.rankProblem, shared with train and the server's attach) → ModelBoundsTest,
 * AttachBoundsTest. OutOfMemoryLine: an exhausted heap on a worker thread (executor task, gRPC handler) ends as the
 * same one line, exit 1 → OutOfMemoryLineTest.
 */
package cola4j.gl.app.cli;
