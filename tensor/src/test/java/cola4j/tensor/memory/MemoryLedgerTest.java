package cola4j.tensor.memory;

import static cola4j.tensor.memory.MemCategory.ACTIVATIONS;
import static cola4j.tensor.memory.MemCategory.BUFFERS;
import static cola4j.tensor.memory.MemCategory.GRADIENTS;
import static cola4j.tensor.memory.MemCategory.OPTIMIZER_STATE;
import static cola4j.tensor.memory.MemCategory.PARAMETERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact byte counts: float32 [3, 4] = 48 B, float64 [10] = 80 B, float64 [2, 5, 5] = 400 B. */
class MemoryLedgerTest {
    static final Device SERVER = Device.of("server"), USER = Device.of("user-3");
    static final Tensor F32_3x4 = Tensor.zeros(DType.FLOAT32, 3, 4), F64_10 = Tensor.zeros(DType.FLOAT64, 10),
            F64_2x5x5 = Tensor.zeros(DType.FLOAT64, 2, 5, 5);

    @Test
    void tracksExactBytesPerDeviceAndCategory() {
        MemoryLedger l = new MemoryLedger();
        assertThat(l.track(SERVER, PARAMETERS, "w", F32_3x4)).isEqualTo(48);
        l.track(SERVER, PARAMETERS, "b", F64_10);
        l.track(SERVER, GRADIENTS, "w", F32_3x4);          // same key, other category: a separate entry
        l.track(USER, PARAMETERS, "w", F64_2x5x5);          // same key, other device: a separate entry
        l.track(USER, BUFFERS, "rx", 1000);
        assertThat(l.current(SERVER, PARAMETERS)).isEqualTo(128);
        assertThat(l.current(SERVER, GRADIENTS)).isEqualTo(48);
        assertThat(l.current(SERVER, ACTIVATIONS)).isZero();
        assertThat(l.current(SERVER)).isEqualTo(176);
        assertThat(l.current(USER)).isEqualTo(1400);
        assertThat(l.bytes(USER, BUFFERS, "rx")).isEqualTo(1000);
        assertThat(l.bytes(USER, BUFFERS, "tx")).isEqualTo(-1);
        assertThat(l.devices()).containsExactly(SERVER, USER);
        assertThat(l.current(Device.of("nobody"))).isZero();
        assertThat(l.peak(Device.of("nobody"), PARAMETERS)).isZero();
    }

    @Test
    void replacingAKeyMovesTheCountWithoutAddingBoth() {
        MemoryLedger l = new MemoryLedger();
        l.track(SERVER, OPTIMIZER_STATE, "m", F64_2x5x5);   // 400
        l.track(SERVER, OPTIMIZER_STATE, "m", F32_3x4);     // replaced by 48
        assertThat(l.current(SERVER, OPTIMIZER_STATE)).isEqualTo(48);
        assertThat(l.peak(SERVER, OPTIMIZER_STATE)).isEqualTo(400); // never 448
        assertThat(l.peak(SERVER)).isEqualTo(400);
        l.track(SERVER, OPTIMIZER_STATE, "m", F64_10);      // grows to 80
        assertThat(l.current(SERVER)).isEqualTo(80);
        assertThat(l.peak(SERVER)).isEqualTo(400);
    }

    @Test
    void peaksFollowTheHighWaterMark() {
        MemoryLedger l = new MemoryLedger();
        l.track(SERVER, PARAMETERS, "w", F64_10);           // total 80
        l.track(SERVER, ACTIVATIONS, "h1", F64_2x5x5);      // total 480, act 400
        l.track(SERVER, ACTIVATIONS, "h2", F32_3x4);        // total 528, act 448
        assertThat(l.release(SERVER, ACTIVATIONS, "h1")).isEqualTo(400);  // total 128, act 48
        l.track(SERVER, GRADIENTS, "w", F64_10);            // total 208
        l.track(SERVER, GRADIENTS, "h", F64_2x5x5);         // total 608, grad 480
        assertThat(l.releaseAll(SERVER, GRADIENTS)).isEqualTo(480);       // total 128
        assertThat(l.current(SERVER)).isEqualTo(128);
        assertThat(l.peak(SERVER)).isEqualTo(608);
        assertThat(l.peak(SERVER, ACTIVATIONS)).isEqualTo(448);
        assertThat(l.peak(SERVER, GRADIENTS)).isEqualTo(480);
        assertThat(l.peak(SERVER, PARAMETERS)).isEqualTo(80);
        // device peak is the total at one moment: 608 < 80 + 448 + 480 = 1008 (sum of category peaks)
        assertThat(l.peak(SERVER))
                .isLessThan(l.peak(SERVER, PARAMETERS) + l.peak(SERVER, ACTIVATIONS) + l.peak(SERVER, GRADIENTS));
        l.resetPeaks();
        assertThat(l.peak(SERVER)).isEqualTo(128);
        assertThat(l.peak(SERVER, GRADIENTS)).isZero();
        assertThat(l.peak(SERVER, ACTIVATIONS)).isEqualTo(48);
        assertThat(l.releaseAll(USER, BUFFERS)).isZero();
    }

    @Test
    void snapshotIsAnImmutableCopy() {
        MemoryLedger l = new MemoryLedger();
        l.track(USER, PARAMETERS, "lora.A", F32_3x4);
        l.track(SERVER, ACTIVATIONS, "x", F64_10);
        MemorySnapshot s = l.snapshot();
        l.track(USER, PARAMETERS, "lora.B", F64_2x5x5);
        l.release(SERVER, ACTIVATIONS, "x");
        assertThat(s.devices()).extracting(MemorySnapshot.DeviceUsage::device).containsExactly(USER, SERVER);
        MemorySnapshot.DeviceUsage u = s.usage(USER);
        assertThat(u.total()).isEqualTo(48);
        assertThat(u.peakTotal()).isEqualTo(48);
        assertThat(u.current()).containsEntry(PARAMETERS, 48L).containsEntry(GRADIENTS, 0L).hasSize(5);
        assertThat(s.usage(SERVER).current()).containsEntry(ACTIVATIONS, 80L);
        assertThat(s.byName().keySet()).containsExactly("user-3", "server");
        assertThat(s.usage(Device.of("other"))).isNull();
        assertThatThrownBy(() -> u.current().put(BUFFERS, 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.devices().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.format()).contains("user-3").contains("48/48").contains("server").contains("80/80");
        // the live ledger moved on
        assertThat(l.snapshot().usage(USER).total()).isEqualTo(448);
        assertThat(l.snapshot().usage(SERVER).total()).isZero();
        assertThat(l.snapshot().usage(SERVER).peakTotal()).isEqualTo(80);
    }

    @Test
    void resetForgetsEverything() {
        MemoryLedger l = new MemoryLedger();
        l.track(SERVER, BUFFERS, "b", F64_10);
        l.reset();
        assertThat(l.devices()).isEmpty();
        assertThat(l.current(SERVER)).isZero();
        assertThat(l.peak(SERVER)).isZero();
        assertThat(l.snapshot().devices()).isEmpty();
        l.track(SERVER, BUFFERS, "b", F32_3x4);
        assertThat(l.peak(SERVER)).isEqualTo(48);
    }

    @Test
    void ledgersAreIndependent() {
        MemoryLedger a = new MemoryLedger(), b = new MemoryLedger();
        a.track(SERVER, PARAMETERS, "w", F64_10);
        assertThat(b.current(SERVER)).isZero();
        assertThat(b.devices()).isEmpty();
    }

    @Test
    void badInputIsRejected() {
        MemoryLedger l = new MemoryLedger();
        assertThatThrownBy(() -> l.release(SERVER, PARAMETERS, "w")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("release: no PARAMETERS entry 'w' tracked on server");
        l.track(SERVER, PARAMETERS, "w", F64_10);
        l.release(SERVER, PARAMETERS, "w");
        assertThatThrownBy(() -> l.release(SERVER, PARAMETERS, "w")).isInstanceOf(IllegalArgumentException.class);
        assertThat(l.current(SERVER)).isZero();
        assertThat(l.devices()).containsExactly(SERVER); // a device stays known (its peak is history)
        assertThatThrownBy(() -> l.track(SERVER, PARAMETERS, "w", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> l.track(SERVER, PARAMETERS, "w", (Tensor) null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.track(null, PARAMETERS, "w", F64_10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.of(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank");
        assertThat(Device.of("user-3")).isEqualTo(USER);
        assertThat(Map.of(USER, 1)).containsKey(new Device("user-3"));
    }
}
