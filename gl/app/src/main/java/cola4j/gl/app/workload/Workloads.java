package cola4j.gl.app.workload;

import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderClassifierConfig;
import cola4j.models.EncoderDecoder;
import cola4j.models.EncoderDecoderConfig;
import cola4j.models.MlpClassifier;
import cola4j.models.MlpClassifierConfig;
import cola4j.models.data.ClassificationFamily;
import cola4j.models.data.Digits;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.LengthRange;
import cola4j.models.data.LmFamily;
import cola4j.models.data.Seq2SeqFamily;
import cola4j.models.data.SymbolVocab;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.List;

/**
 * Builds a {@link Workload} by family and preset name. Presets fit the model to the data: vocabulary
 * {@link SymbolVocab#SIZE}, position table = the family's padded length, K = {@link ClassificationFamily#MAX_CLASSES}
 * (encoder) or 10 digits (mlp); widths and depths come from the models' {@code tiny()} / {@code small(...)} configs.
 * <ul>
 *   <li>{@code tiny}: transformers C = {@link #TINY_WIDTH}, 2 layers (2+2), 2 heads, no dropout (the depths and
 *       heads of the {@code tiny()} records, the width doubled and dropout off so that the default pretraining
 *       learns: at C = 8 with dropout 0.1, 2000 steps left the decoder at exact match 0.037); mlp 64 → 16 → 10;
 *       bodies of 3..4 symbols — for tests and a student's first runs;</li>
 *   <li>{@code small}: the small widths, bodies of {@link #SMALL_LENGTHS} symbols — for the demo and
 *       pretraining.</li>
 * </ul>
 * The dtype argument overrides the preset's; {@code seed} initializes the weights ({@code new Rng(seed)}).
 */
public final class Workloads {
    private Workloads() {}

    private static final List<String> FAMILIES = List.of("encoder", "decoder", "seq2seq", "mlp");
    private static final List<String> PRESETS = List.of("tiny", "small");
    /** Body lengths of the tiny preset. */
    public static final LengthRange TINY_LENGTHS = new LengthRange(3, 4);
    /** Model width C of the tiny transformer presets. */
    public static final int TINY_WIDTH = 16;
    /** Body lengths of the small preset. */
    public static final LengthRange SMALL_LENGTHS = new LengthRange(3, 6);

    /** {@code [encoder, decoder, seq2seq, mlp]}. */
    public static List<String> families() {
        return FAMILIES;
    }

    /** {@code [tiny, small]}. */
    public static List<String> presets() {
        return PRESETS;
    }

    /** The body length range of a preset. */
    public static LengthRange lengths(String preset) {
        return checkPreset(preset).equals("tiny") ? TINY_LENGTHS : SMALL_LENGTHS;
    }

    /**
     * A fresh workload.
     *
     * @throws IllegalArgumentException for an unknown family or preset, listing the options
     */
    public static Workload create(String family, String preset, DType dtype, long seed) {
        checkPreset(preset);
        if (dtype == null) throw new IllegalArgumentException("Workloads.create: dtype is null");
        boolean tiny = preset.equals("tiny");
        LengthRange len = lengths(preset);
        Rng rng = new Rng(seed);
        int v = SymbolVocab.SIZE;
        switch (family) {
            case "encoder" -> {
                ClassificationFamily f = new ClassificationFamily(len);
                EncoderClassifierConfig b = tiny ? EncoderClassifierConfig.tiny()
                        : EncoderClassifierConfig.small(v, ClassificationFamily.MAX_CLASSES);
                var c = new EncoderClassifierConfig(v, f.seqLen(), width(tiny, b.dModel()), b.layers(), b.heads(),
                        dropout(tiny, b.dropout()),
                        ClassificationFamily.MAX_CLASSES, dtype);
                return new EncoderWorkload(new EncoderClassifier(c, rng), f);
            }
            case "decoder" -> {
                LmFamily f = new LmFamily(len);
                DecoderLMConfig b = tiny ? DecoderLMConfig.tiny() : DecoderLMConfig.small(v);
                var c = new DecoderLMConfig(v, f.seqLen(), width(tiny, b.dModel()), b.layers(), b.heads(),
                        dropout(tiny, b.dropout()), dtype);
                return new DecoderWorkload(new DecoderLM(c, rng), f);
            }
            case "seq2seq" -> {
                Seq2SeqFamily f = new Seq2SeqFamily(len);
                EncoderDecoderConfig b = tiny ? EncoderDecoderConfig.tiny() : EncoderDecoderConfig.small(v);
                var c = new EncoderDecoderConfig(v, Math.max(f.srcLen(), f.tgtLen()), width(tiny, b.dModel()),
                        b.encoderLayers(), b.decoderLayers(), b.heads(), dropout(tiny, b.dropout()), dtype);
                return new Seq2SeqWorkload(new EncoderDecoder(c, rng), f);
            }
            case "mlp" -> {
                MlpClassifierConfig c = tiny ? new MlpClassifierConfig(Digits.PIXELS,
                                List.of(16), Digits.CLASSES, MlpClassifierConfig.tiny().dropout(), dtype)
                        : MlpClassifierConfig.small(Digits.PIXELS, Digits.CLASSES).withDtype(dtype);
                return new MlpWorkload(new MlpClassifier(c, rng), new DigitsFamily());
            }
            default -> throw new IllegalArgumentException("unknown model family '" + family + "'; available: "
                    + String.join(", ", FAMILIES));
        }
    }

    private static int width(boolean tiny, int recordWidth) {
        return tiny ? TINY_WIDTH : recordWidth;
    }

    private static double dropout(boolean tiny, double recordDropout) {
        return tiny ? 0.0 : recordDropout;
    }

    private static String checkPreset(String preset) {
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("unknown preset '" + preset + "'; available: "
                    + String.join(", ", PRESETS));
        }
        return preset;
    }
}
