package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** bfloat16 / binary16 conversions: known values, ties to even, overflow/underflow, and exhaustive round trips. */
class HalfFloatsTest {
    @Test
    void knownDecodes() {
        assertThat(HalfFloats.f16ToFloat(0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToFloat(0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.f16ToFloat(0x7BFF)).isEqualTo(65504.0f);
        assertThat(HalfFloats.f16ToFloat(0x0400)).isEqualTo(0x1p-14f);
        assertThat(HalfFloats.f16ToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.f16ToFloat(0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(HalfFloats.f16ToFloat(0x3555)).isEqualTo(0.333251953125f);
        assertThat(HalfFloats.f16ToFloat(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.f16ToFloat(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(HalfFloats.f16ToFloat(0x8000))).isEqualTo(0x80000000);
        // NaN payload moved up
        assertThat(Float.floatToRawIntBits(HalfFloats.f16ToFloat(0x7E01))).isEqualTo(0x7FC02000);
        assertThat(HalfFloats.bf16ToFloat(0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToFloat(0xC0A0)).isEqualTo(-5.0f);
        assertThat(HalfFloats.bf16ToFloat(0x4049)).isEqualTo(3.140625f);
        assertThat(HalfFloats.bf16ToFloat(0x7F7F)).isEqualTo(0x1.FEp127f);
        assertThat(HalfFloats.bf16ToFloat(0x0001)).isEqualTo(0x1p-133f);
        assertThat(HalfFloats.bf16ToFloat(0xFF80)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.isNaN(HalfFloats.bf16ToFloat(0x7FC0))).isTrue();
    }

    /**
     * {@link HalfFloats#floatToBf16} (bit arithmetic on the float32 pattern) equals {@link HalfFloats#toBf16} of the
     * widened value for every top half (sign, exponent, 7 mantissa bits: all 65,536) combined with the low halves
     * that decide the rounding (0, 1, below, at and above the tie 0x8000, 0xFFFF) and random ones: every binade, both
     * signs, zeros, subnormals, the largest finite values (which round to infinity), infinities and NaNs.
     */
    @Test
    void floatToBf16EqualsTheDoublePathOnEveryTopHalf() {
        int[] lows = {0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF};
        SplittableRandom rnd = new SplittableRandom(7);
        long checked = 0;
        for (int top = 0; top < 0x10000; top++) {
            for (int k = 0; k < lows.length + 4; k++) {
                int low = k < lows.length ? lows[k] : rnd.nextInt(0x10000);
                float x = Float.intBitsToFloat(top << 16 | low);
                assertThat(HalfFloats.floatToBf16(x)).as("bits %08x", top << 16 | low)
                        .isEqualTo(HalfFloats.toBf16(x));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(10L * 0x10000);
        assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo(0x7F80);       // rounds past the largest
        assertThat(HalfFloats.floatToBf16(-0.0f)).isEqualTo(0x8000);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0xFFA00001))).isEqualTo(0xFFC0);   // quiet, sign kept
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(HalfFloats.toBf16(1.0)).isEqualTo(0x3F80);
        assertThat(HalfFloats.toBf16(1 + 0x1p-8)).isEqualTo(0x3F80);             // tie, 0x3F80 is even
        assertThat(HalfFloats.toBf16(1 + 3 * 0x1p-8)).isEqualTo(0x3F82);         // tie between 0x3F81 and 0x3F82
        assertThat(HalfFloats.toBf16(1 + 0x1p-8 + 0x1p-20)).isEqualTo(0x3F81);   // just above the tie
        // float64 input rounded once (via float32 it would tie down to 0x3F80)
        assertThat(HalfFloats.toBf16(1 + 0x1p-8 + 0x1p-30)).isEqualTo(0x3F81);
        assertThat(HalfFloats.toBf16(-5.0)).isEqualTo(0xC0A0);
        assertThat(HalfFloats.toBf16(Math.PI)).isEqualTo(0x4049);
        assertThat(HalfFloats.toBf16(0x1.FEp127)).isEqualTo(0x7F7F);
        assertThat(HalfFloats.toBf16(0x1.FFp127)).isEqualTo(0x7F80);             // tie at the top rounds to infinity
        assertThat(HalfFloats.toBf16(Float.MAX_VALUE)).isEqualTo(0x7F80);
        assertThat(HalfFloats.toBf16(-1e300)).isEqualTo(0xFF80);
        // half the smallest subnormal: tie to 0
        assertThat(HalfFloats.toBf16(0x1p-134)).isEqualTo(0x0000);
        assertThat(HalfFloats.toBf16(0x1.8p-134)).isEqualTo(0x0001);
        assertThat(HalfFloats.toBf16(-0.0)).isEqualTo(0x8000);
        assertThat(HalfFloats.toBf16(Double.NaN)).isEqualTo(0x7FC0);
        assertThat(HalfFloats.toBf16(Double.NEGATIVE_INFINITY)).isEqualTo(0xFF80);
    }

    @Test
    void f16RoundsToNearestEven() {
        assertThat(HalfFloats.toF16(1.0 / 3)).isEqualTo(0x3555);
        assertThat(HalfFloats.toF16(1 + 0x1p-11)).isEqualTo(0x3C00);             // tie to even
        assertThat(HalfFloats.toF16(1 + 3 * 0x1p-11)).isEqualTo(0x3C02);
        assertThat(HalfFloats.toF16(65504)).isEqualTo(0x7BFF);
        assertThat(HalfFloats.toF16(65519.99)).isEqualTo(0x7BFF);
        assertThat(HalfFloats.toF16(65520)).isEqualTo(0x7C00);                   // tie at the top rounds to infinity
        assertThat(HalfFloats.toF16(-1e10)).isEqualTo(0xFC00);
        assertThat(HalfFloats.toF16(0x1p-14)).isEqualTo(0x0400);
        assertThat(HalfFloats.toF16(0x1p-24)).isEqualTo(0x0001);
        assertThat(HalfFloats.toF16(0x1p-25)).isEqualTo(0x0000);                 // tie to even (zero)
        assertThat(HalfFloats.toF16(0x1.8p-25)).isEqualTo(0x0001);
        assertThat(HalfFloats.toF16(3 * 0x1p-25)).isEqualTo(0x0002);             // 1.5 units: tie to even (2)
        // largest subnormal + half unit rounds up to the smallest normal
        assertThat(HalfFloats.toF16(0x1.FFCp-15)).isEqualTo(0x0400);
        assertThat(HalfFloats.toF16(-0.0)).isEqualTo(0x8000);
        assertThat(HalfFloats.toF16(Double.NaN)).isEqualTo(0x7E00);
    }

    @Test
    void everyHalfPatternRoundTrips() {
        for (int b = 0; b < 0x10000; b++) {
            float bf = HalfFloats.bf16ToFloat(b), h = HalfFloats.f16ToFloat(b);
            if (!Float.isNaN(bf)) assertThat(HalfFloats.toBf16(bf)).as("bf16 %04x", b).isEqualTo(b);
            if (!Float.isNaN(h)) assertThat(HalfFloats.toF16(h)).as("f16 %04x", b).isEqualTo(b);
        }
    }

    /** Classic float32 → bfloat16 rounding bit trick (non-NaN inputs), an independent reference. */
    static int bf16Reference(float x) {
        int bits = Float.floatToRawIntBits(x);
        return ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) & 0xFFFF;
    }

    /** Nearest binary16 by search over all finite non-negative patterns (ties to the even pattern). */
    static int f16Reference(double x) {
        double a = Math.abs(x);
        int best = 0;
        for (int b = 1; b <= 0x7BFF; b++) {
            double db = HalfFloats.f16ToFloat(b), dbest = HalfFloats.f16ToFloat(best);
            double e = Math.abs(db - a), eb = Math.abs(dbest - a);
            if (e < eb || (e == eb && (b & 1) == 0)) best = b;
        }
        double max = 65504, halfUlpMax = 16; // beyond 65504 + 16 the result is infinity
        if (a >= max + halfUlpMax) best = 0x7C00;
        return (x < 0 || (x == 0 && 1 / x < 0) ? 0x8000 : 0) | best;
    }

    @Test
    void randomInputsMatchIndependentReferences() {
        SplittableRandom r = new SplittableRandom(99);
        for (int i = 0; i < 200_000; i++) {
            float x = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(x)) continue;
            assertThat(HalfFloats.toBf16(x)).as("bf16 of %a", x).isEqualTo(bf16Reference(x));
        }
        for (int i = 0; i < 300; i++) {
            double x = Math.scalb(r.nextDouble(1, 2), r.nextInt(-27, 17)) * (r.nextBoolean() ? 1 : -1);
            assertThat(HalfFloats.toF16(x)).as("f16 of %a", x).isEqualTo(f16Reference(x));
        }
    }
}
