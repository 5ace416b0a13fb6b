package cola4j.tensor.io;

/**
 * Conversions between double/float and the two 16-bit float formats, as 16-bit patterns held in the low bits of an int.
 *
 * <ul>
 *   <li>bfloat16: sign(1) exponent(8, bias 127) mantissa(7) — the top half of a float32.
 *   <li>binary16 (F16): sign(1) exponent(5, bias 15) mantissa(10); max finite 65504, min subnormal 2^-24.
 * </ul>
 *
 * <p>Narrowing rounds to nearest, ties to even, straight from the double value (so a float64 input is rounded
 * once, not first to float32); overflow gives ±infinity, underflow gives ±0 or a subnormal; NaN becomes a quiet NaN
 * with the sign kept (payload dropped). Widening to float is exact and keeps NaN payloads.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /**
     * Rounds |x| (finite, nonzero) to a binary format with {@code p} significand bits (implicit bit included) and
     * minimum normal exponent {@code emin}, ties to even. The result is exactly representable in that format
     * (or is 2^(emax+1), which callers map to infinity).
     */
    private static double roundMagnitude(double a, int p, int emin) {
        int e = Math.max(Math.getExponent(a), emin);
        int shift = e - (p - 1);                        // value of one unit in the last place is 2^shift
        return Math.scalb(Math.rint(Math.scalb(a, -shift)), shift); // both scalings are exact powers of two
    }

    /** bfloat16 bits of {@code x}, rounded to nearest even. */
    public static int toBf16(double x) {
        long sign = Double.doubleToRawLongBits(x) < 0 ? 0x8000 : 0;
        if (Double.isNaN(x)) return (int) (sign | 0x7FC0);
        double a = Math.abs(x);
        if (a == 0) return (int) sign;
        if (Double.isInfinite(a)) return (int) (sign | 0x7F80);
        double r = roundMagnitude(a, 8, -126);
        if (r > 0x1.FEp127) return (int) (sign | 0x7F80);    // rounded past the largest finite bfloat16
        // r is exact in float32 with 16 zero low bits
        return (int) (sign | (Float.floatToRawIntBits((float) r) >>> 16));
    }

    /**
     * bfloat16 bits of the float {@code x}, rounded to nearest even: the same bits as {@link #toBf16}{@code ((double)
     * x)}, from the float32 bit pattern b without the double arithmetic. The bfloat16 is the top 16 bits of a float32,
     * so rounding away the low 16 bits is b + 0x7FFF + (bit 16 of b), then b &gt;&gt;&gt; 16 (ties go to the even
     * top half; a carry into the exponent rounds up to the next binade or to infinity, exactly as the double path
     * does). NaN gives the quiet NaN with the sign kept, as there. ({@code HalfFloatsTest} checks every top half
     * with the low halves at and around the ties against {@link #toBf16}.)
     */
    public static int floatToBf16(float x) {
        int b = Float.floatToRawIntBits(x);
        if ((b & 0x7FFFFFFF) > 0x7F800000) return ((b >>> 16) & 0x8000) | 0x7FC0;   // NaN
        return (b + 0x7FFF + ((b >>> 16) & 1)) >>> 16;
    }

    /** binary16 bits of {@code x}, rounded to nearest even. */
    public static int toF16(double x) {
        int sign = Double.doubleToRawLongBits(x) < 0 ? 0x8000 : 0;
        if (Double.isNaN(x)) return sign | 0x7E00;
        double a = Math.abs(x);
        if (a == 0) return sign;
        if (Double.isInfinite(a)) return sign | 0x7C00;
        double r = roundMagnitude(a, 11, -14);
        if (r > 65504.0) return sign | 0x7C00;
        if (r < 0x1p-14) return sign | (int) Math.scalb(r, 24);            // subnormal: r = m · 2^-24, m < 1024
        int e = Math.getExponent(r);
        int mant = (int) (Math.scalb(r, -e) * 1024) - 1024;               // r = (1 + mant/1024) · 2^e
        return sign | ((e + 15) << 10) | mant;
    }

    /** The float32 value of bfloat16 bits (exact). */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The float32 value of binary16 bits (exact; NaN payloads move to the top of the float32 mantissa). */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1F, mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;                                     // subnormal or zero, exact
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
