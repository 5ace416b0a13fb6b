package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.SiteShape;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.io.DTypeJson;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.optim.OptimizerKind;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/**
 * What the server tells a user at attach (AttachReply.session_json): enough to build its auxiliaries and draw its
 * own rows, and nothing of the base model beyond the adapted sites' shapes.
 *
 * @param userId        the id the token maps to
 * @param model         the served model ({@code mlp})
 * @param kinds         the digits shift kinds cycled over users (the user's task is kinds[id mod |kinds|])
 * @param task          the user's task name
 * @param mode          unmerged, merged or merged-average
 * @param steps         server steps of the session
 * @param rowsPerUser   training rows the user sends per step
 * @param transfer      element type of adaptation data on the wire (native or bf16)
 * @param dtype         the model dtype (auxiliaries and adaptation data after decoding)
 * @param dataSeed      the user's data stream seed (its Rng)
 * @param sites         the adapted sites' names and shapes, in order
 * @param aux ...       the user's confirmed spec (seed chosen by the server)
 * @param startStep     the first step the user takes part in (0, or later after a re-attach)
 * @param stepTimeoutMs how long the server waits for the user's message of a step
 * @param startTimeoutMs how long the server waits for all users before the first step
 * @param preset        a transformer's preset ("" for mlp)
 * @param baseSeed      the served workload's seed (a user builds the family's task generators with it)
 */
public record SessionInfo(@JsonProperty("user_id") int userId, @JsonProperty("model") String model,
                          @JsonProperty("kinds") List<String> kinds, @JsonProperty("task") String task,
                          @JsonProperty("mode") String mode, @JsonProperty("steps") int steps,
                          @JsonProperty("rows_per_user") int rowsPerUser, @JsonProperty("transfer") String transfer,
                          @JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
                          @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype,
                          @JsonProperty("data_seed") long dataSeed, @JsonProperty("sites") List<SiteShape> sites,
                          @JsonProperty("aux") AuxiliaryKind aux, @JsonProperty("rank") int rank,
                          @JsonProperty("mlp_hidden") int mlpHidden, @JsonProperty("interval") int interval,
                          @JsonProperty("optimizer") OptimizerKind optimizer, @JsonProperty("lr") double lr,
                          @JsonProperty("seed") long seed, @JsonProperty("start_step") int startStep,
                          @JsonProperty("step_timeout_ms") long stepTimeoutMs,
                          @JsonProperty("start_timeout_ms") long startTimeoutMs,
                          @JsonProperty("preset") String preset, @JsonProperty("base_seed") long baseSeed) {
    /** The user's spec as the server registered it. */
    public UserSpec spec() {
        return new UserSpec(userId, aux, rank, mlpHidden, interval, optimizer, lr, seed);
    }

    public ColaMode colaMode() {
        return ColaMode.parse(mode);
    }
}
