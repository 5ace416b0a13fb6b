package cola4j.gl.app.ftaas.grpc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One user's outcome of a networked session (ServerStep.result_json and a row of {@code cola serve}'s table).
 *
 * @param user    user id
 * @param task    the user's task
 * @param spec    auxiliary and optimizer, e.g. {@code lowrank r8 I1 adamw lr 0.02}
 * @param metric  name of the metric (e.g. accuracy)
 * @param value   the metric of the user's adapted model after the session (null if there was no final upload)
 * @param served  steps at which the user's rows were served
 * @param skipped steps the user missed (its message came after the step timeout)
 * @param status  finished, stopped, left or disconnected
 * @param reason  why the user was stopped or lost (null when finished)
 * @param capped  merged-average: uploads whose ΔW the server scaled down to the norm cap (null when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserResult(@JsonProperty("user") int user, @JsonProperty("task") String task,
                         @JsonProperty("spec") String spec, @JsonProperty("metric") String metric,
                         @JsonProperty("value") Double value, @JsonProperty("served") int served,
                         @JsonProperty("skipped") int skipped, @JsonProperty("status") String status,
                         @JsonProperty("reason") String reason, @JsonProperty("capped") Integer capped) {}
