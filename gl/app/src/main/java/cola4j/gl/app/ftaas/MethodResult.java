package cola4j.gl.app.ftaas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * What one method measured in a session (one row of {@code cola ftaas} / {@code cola demo}, one element of the
 * JSON {@code methods} array). Bytes are measured by the {@link cola4j.tensor.memory.MemoryLedger} (memory, peaks
 * per category and the peak total at one moment) and by the {@link Transport} (traffic, per server step = total
 * after setup / steps); the analytic values beside them come from {@link AnalyticBytes}.
 *
 * @param method               {@code cola-lowrank-merged}, {@code lora}, {@code full}, …
 * @param serverBytes          peak total bytes on device {@code server}
 * @param serverBytesByCategory peak bytes per category on the server (parameters, gradients, optimizer_state,
 *                              activations, buffers)
 * @param userBytesMax         the largest peak total over the user devices (0 when users hold nothing: LoRA, full)
 * @param downBytesPerStep     server → users bytes per step, payload + header
 * @param downPayloadPerStep   payload part of it
 * @param downBytesAnalytic    the analytic payload per step, Σ_users Σ_sites rows × (in + out) × element bytes
 * @param upBytesPerStep       users → server bytes per step, payload + header
 * @param upPayloadPerStep     payload part of it
 * @param upBytesAnalytic      the analytic payload per step (parameters every I steps, or deltas every step)
 * @param setupUpBytes         bytes uploaded before the first step (initial replicas, unmerged)
 * @param serverSeconds        forward/backward time on the server
 * @param transferSeconds      encode + decode time
 * @param userSeconds          users' buffering + Gradient Learning time
 * @param totalSeconds         wall time of the session (evaluation included)
 * @param metrics              user-k → final metric
 * @param curves               user-k → [[step, metric], …]
 * @param errors               user-k → why it was stopped (empty when all finished)
 * @param averagedModelMetrics merged-average only (else null): user-k → metric of the model that mode serves, the
 *                             base with the mean of the finishing users' ΔW merged ({@link Evaluation#averagedModel});
 *                             {@code metrics} holds each user's own adapter on the base, as for every ColA method
 * @param wire                 over gRPC only (else null, and absent from the JSON): bytes measured on the sockets
 */
@JsonPropertyOrder(alphabetic = false)
public record MethodResult(
        @JsonProperty("method") String method,
        @JsonProperty("server_bytes") long serverBytes,
        @JsonProperty("server_bytes_by_category") Map<String, Long> serverBytesByCategory,
        @JsonProperty("user_bytes_max") long userBytesMax,
        @JsonProperty("down_bytes_per_step") double downBytesPerStep,
        @JsonProperty("down_payload_per_step") double downPayloadPerStep,
        @JsonProperty("down_bytes_analytic") double downBytesAnalytic,
        @JsonProperty("up_bytes_per_step") double upBytesPerStep,
        @JsonProperty("up_payload_per_step") double upPayloadPerStep,
        @JsonProperty("up_bytes_analytic") double upBytesAnalytic,
        @JsonProperty("setup_up_bytes") long setupUpBytes,
        @JsonProperty("server_seconds") double serverSeconds,
        @JsonProperty("transfer_seconds") double transferSeconds,
        @JsonProperty("user_seconds") double userSeconds,
        @JsonProperty("total_seconds") double totalSeconds,
        @JsonProperty("metrics") Map<String, Double> metrics,
        @JsonProperty("curves") Map<String, List<double[]>> curves,
        @JsonProperty("errors") Map<String, String> errors,
        @JsonProperty("averaged_model_metrics") Map<String, Double> averagedModelMetrics,
        @JsonProperty("wire") @JsonInclude(JsonInclude.Include.NON_NULL) Wire wire) {

    /**
     * Bytes on the wire per server step over gRPC, measured on the sockets (HTTP/2 frames, gRPC prefixes and headers
     * included; all steps' traffic divided by the steps, connection setup and the final exchange included).
     *
     * @param transport       {@code grpc}
     * @param downBytesPerStep server → users
     * @param upBytesPerStep   users → server (training rows included, which the in-process transport does not count)
     * @param upRowsPerStep    the training-row messages' part of the up traffic (safetensors bytes)
     */
    public record Wire(@JsonProperty("transport") String transport,
                       @JsonProperty("down_bytes_per_step") double downBytesPerStep,
                       @JsonProperty("up_bytes_per_step") double upBytesPerStep,
                       @JsonProperty("up_rows_per_step") double upRowsPerStep) {}

    /** A result of the in-process transport (no wire measurement). */
    public MethodResult(String method, long serverBytes, Map<String, Long> serverBytesByCategory, long userBytesMax,
                        double downBytesPerStep, double downPayloadPerStep, double downBytesAnalytic,
                        double upBytesPerStep, double upPayloadPerStep, double upBytesAnalytic, long setupUpBytes,
                        double serverSeconds, double transferSeconds, double userSeconds, double totalSeconds,
                        Map<String, Double> metrics, Map<String, List<double[]>> curves, Map<String, String> errors,
                        Map<String, Double> averagedModelMetrics) {
        this(method, serverBytes, serverBytesByCategory, userBytesMax, downBytesPerStep, downPayloadPerStep,
                downBytesAnalytic, upBytesPerStep, upPayloadPerStep, upBytesAnalytic, setupUpBytes, serverSeconds,
                transferSeconds, userSeconds, totalSeconds, metrics, curves, errors, averagedModelMetrics, null);
    }

    /** The same result with another analytic down payload per step (e.g. a compressed transport's formula). */
    public MethodResult withDownBytesAnalytic(double analytic) {
        return new MethodResult(method, serverBytes, serverBytesByCategory, userBytesMax, downBytesPerStep,
                downPayloadPerStep, analytic, upBytesPerStep, upPayloadPerStep, upBytesAnalytic, setupUpBytes,
                serverSeconds, transferSeconds, userSeconds, totalSeconds, metrics, curves, errors,
                averagedModelMetrics, wire);
    }

    /**
     * user-k → the mean of the user's last {@code k} learning-curve points (fewer if the curve is shorter), or its
     * final metric when it has no curve: a summary less at the mercy of one evaluation than the final point.
     */
    public Map<String, Double> tailMetrics(int k) {
        if (k < 1) throw new IllegalArgumentException("tailMetrics: k must be >= 1, got " + k);
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        metrics.forEach((u, last) -> {
            List<double[]> c = curves == null ? null : curves.get(u);
            m.put(u, c == null || c.isEmpty() ? last
                    : c.subList(Math.max(0, c.size() - k), c.size()).stream().mapToDouble(p -> p[1]).average()
                            .orElse(last));
        });
        return m;
    }

    /** Mean over users of {@link #tailMetrics} (NaN if none). */
    public double tailMeanMetric(int k) {
        return tailMetrics(k).values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Mean of the users' final metrics (NaN if none). */
    public double meanMetric() {
        return metrics.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
