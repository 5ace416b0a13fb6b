package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.SessionConfig;
import java.util.List;

/**
 * The settings of a {@link SessionHost}.
 *
 * @param model         served model name (reported to users)
 * @param kinds         the digits shift kinds (users' tasks)
 * @param session       steps, rows per user, mode, transfer dtype, data seed
 * @param users         tokens exist for user ids 0..users-1; the session starts when all have attached
 * @param auxSeed       user u's auxiliary seed is auxSeed + u (as {@code cola ftaas})
 * @param stepTimeoutMs how long a step waits for a user's message
 * @param startTimeoutMs how long the start waits for all users (then starts with those attached, if any)
 * @param preset        a transformer's preset (tiny, small; "" for mlp): users build its task generators
 * @param baseSeed      the seed of the served workload (users' task generators)
 */
public record HostConfig(String model, List<String> kinds, SessionConfig session, int users, long auxSeed,
                         long stepTimeoutMs, long startTimeoutMs, String preset, long baseSeed) {
    /** An mlp session (no preset). */
    public HostConfig(String model, List<String> kinds, SessionConfig session, int users, long auxSeed,
                      long stepTimeoutMs, long startTimeoutMs) {
        this(model, kinds, session, users, auxSeed, stepTimeoutMs, startTimeoutMs, "", 0);
    }
}
