/**
 * The cola command line: {@link Main} and the subcommands listed in Commands (verify, explain, train, ftaas, demo,
 * …). Guarantees: exit 0 on success, 1 when a command fails, 2 on a usage error (one line and a hint, no stack
 * trace). MainTest, VerifyExplainCommandTest, FtaasCommandTest, CopraCommandTest, DemoCommandTest. The research
 * options of cola ftaas (--aux embedding, --shapley, --compress, --ledger: FtaasEmbedding, FtaasShapley,
 * FtaasCompression): FtaasResearchOptionsTest.
 */
package cola4j.gl.app.cli;
