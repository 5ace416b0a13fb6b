/**
 * The cola command line: {@link Main} and the subcommands listed in Commands (verify, explain, train, ftaas, demo,
 * …). Guarantees: exit 0 on success, 1 when a command fails, 2 on a usage error (one line and a hint, no stack
 * trace; long options only in full; an exhausted heap is one line naming the size options to lower, exit 1). MainTest,
 * VerifyExplainCommandTest, FtaasCommandTest, CopraCommandTest, DemoCommandTest, EarlyErrorsTest,
 * ArgumentFuzzPropertyTest.
 */
package cola4j.gl.app.cli;
