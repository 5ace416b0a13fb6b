/**
 * Fine-tuning as a service over gRPC: {@code SessionHost} drives the one {@code LocalServer} from the users' messages
 * ({@code ftaas.proto}; {@code HostMessages} decodes what users send and encodes what they get, {@code SessionEnd}
 * runs the final round and makes each user's result), {@code RemoteUser} is a user device process,
 * {@code TokenAuth} maps a secret to a user. Messages are read in place (a read-only view of the received
 * ByteString) and sent without a copy ({@code UnsafeByteOperations.unsafeWrap} of the array WireFormat made).
 * Rule: the same users give bit-identical parameters over the network and in-process (P9); identity comes only from
 * the token; a bad message stops only its sender.
 * Checked by {@code NetworkEquivalenceTest} (P9), {@code GrpcSessionTest}, {@code NetworkSecurityTest},
 * {@code TokenAuthTest}, {@code FaultTest}, {@code TlsTest}, and {@code ServeProcessesTest} in the tests module.
 */
package cola4j.gl.app.ftaas.grpc;
