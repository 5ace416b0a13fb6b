/**
 * The subcommand contract shared by cli and bench: {@link Command}, CommandGroup, Args, UsageException, Limits,
 * OutputPaths. Guarantees: an absent option gives its default; a bad value, or a size above its bound in Limits, is a
 * usage error naming the option and the value, at parse time; an output path that cannot be written is a usage error
 * before the work (OutputPaths). ArgsAndJsonTest (typedValuesAndDefaults, badValuesNameTheOption), MainTest,
 * EarlyErrorsTest, ArgumentFuzzPropertyTest (random vectors: exit 0/1/2, one line, no stack trace).
 * HeapCheck: a memory estimate above the heap ({@code Runtime.maxMemory()}) is one line and exit 2, after the estimate
 * is printed (train, copra, pretrain, ftaas, serve, demo) → MemoryEstimateTest.
 */
package cola4j.gl.app.command;
