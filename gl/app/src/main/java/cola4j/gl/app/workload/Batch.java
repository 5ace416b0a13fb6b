package cola4j.gl.app.workload;

import cola4j.models.data.ClassificationBatch;
import cola4j.models.data.LmBatch;
import cola4j.models.data.Seq2SeqBatch;
import cola4j.models.data.VectorBatch;
import cola4j.models.hf.HfInputs;

/**
 * A batch of examples as a {@link Workload} sees it: an opaque wrapper around the family's data record, so that
 * training code can sample, concatenate and score batches without knowing the family. Each family accepts only its
 * own variant (a wrong one is an IllegalArgumentException naming both).
 */
public sealed interface Batch permits Batch.Classification, Batch.Lm, Batch.Seq2Seq, Batch.Vectors, Batch.Hf {
    /** Number of examples (rows) B. */
    int rows();

    /** Encoder classifier: tokens/mask [B, T], labels [B]. */
    record Classification(ClassificationBatch data) implements Batch {
        @Override
        public int rows() {
            return data.size();
        }
    }

    /** Decoder LM: inputs/targets/mask [B, T] (targets −100 outside the answer). */
    record Lm(LmBatch data) implements Batch {
        @Override
        public int rows() {
            return data.size();
        }
    }

    /** Encoder-decoder: src/srcMask [B, S], tgtIn/tgtOut/tgtMask [B, T]. */
    record Seq2Seq(Seq2SeqBatch data) implements Batch {
        @Override
        public int rows() {
            return data.size();
        }
    }

    /** MLP: features x [B, D], labels y [B]. */
    record Vectors(VectorBatch data) implements Batch {
        @Override
        public int rows() {
            return data.size();
        }
    }

    /** A Hugging Face model ({@code hf:DIR}): transformers' arguments input_ids, attention_mask, labels. */
    record Hf(HfInputs data) implements Batch {
        @Override
        public int rows() {
            return data.inputIds().length;
        }
    }
}
