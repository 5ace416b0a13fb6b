/**
 * Optimizers (Sgd, Adam, AdamW: {@link Optimizer}), learning-rate schedules (LrSchedule) and GradClip.
 * PyTorch semantics (torch.optim SGD/Adam/AdamW, clip_grad_norm_); the exported state resumes a run bit-exactly.
 * OptimizerTest (steps by hand, stateRoundTripResumesBitExactly), ScheduleAndClipTest.
 */
package cola4j.gl.optim;
