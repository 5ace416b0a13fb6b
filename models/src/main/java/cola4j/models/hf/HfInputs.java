package cola4j.models.hf;

import cola4j.models.layers.Tokens;

/**
 * One batch for a Hugging Face model, with transformers' argument names. Only {@code inputIds} is required; the
 * others may be null (meaning: as transformers does when the argument is omitted).
 *
 * @param inputIds        {@code input_ids} [B][T]
 * @param attentionMask   {@code attention_mask} [B][T], 1 = real token, 0 = padding (null: all real)
 * @param tokenTypeIds    {@code token_type_ids} [B][T] (BERT/RoBERTa; null: zeros)
 * @param decoderInputIds {@code decoder_input_ids} [B][Tt] (BART; null: {@code shift_tokens_right} of the labels if
 *                        given, else of input_ids, as {@code BartForConditionalGeneration} / {@code BartModel})
 * @param labels          {@code labels}: GPT-2 [B][T] (shifted inside, −100 ignored), BART [B][Tt] (−100
 *                        ignored), BERT/RoBERTa [B][1] (one class id per row); null when no loss is wanted
 */
public record HfInputs(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[][] decoderInputIds,
                       int[][] labels) {
    public HfInputs {
        int t = Tokens.width(inputIds, "input_ids");
        Tokens.checkMask(inputIds, attentionMask, "input_ids");
        same(tokenTypeIds, inputIds.length, t, "token_type_ids");
        if (decoderInputIds != null) {
            Tokens.width(decoderInputIds, "decoder_input_ids");
            if (decoderInputIds.length != inputIds.length) {
                throw new IllegalArgumentException("decoder_input_ids has " + decoderInputIds.length
                        + " rows, input_ids " + inputIds.length);
            }
        }
        if (labels != null) {
            Tokens.width(labels, "labels");
            if (labels.length != inputIds.length) {
                throw new IllegalArgumentException("labels has " + labels.length + " rows, input_ids "
                        + inputIds.length);
            }
        }
    }

    /** input_ids alone. */
    public static HfInputs of(int[][] inputIds) {
        return new HfInputs(inputIds, null, null, null, null);
    }

    /** The same batch with labels. */
    public HfInputs withLabels(int[][] l) {
        return new HfInputs(inputIds, attentionMask, tokenTypeIds, decoderInputIds, l);
    }

    private static void same(int[][] x, int b, int t, String what) {
        if (x == null) return;
        if (x.length != b || Tokens.width(x, what) != t) {
            throw new IllegalArgumentException(what + " [" + x.length + "][" + x[0].length + "] must match input_ids ["
                    + b + "][" + t + "]");
        }
    }
}
