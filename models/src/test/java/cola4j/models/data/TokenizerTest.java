package cola4j.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void vocabularyLayoutIsStable() {
        assertThat(SymbolVocab.PAD).isZero();
        assertThat(SymbolVocab.name(SymbolVocab.BOS)).isEqualTo("<bos>");
        assertThat(SymbolVocab.name(SymbolVocab.CLS)).isEqualTo("<cls>");
        assertThat(SymbolVocab.taskToken("first_last")).isEqualTo(5);
        assertThat(SymbolVocab.SYMBOL_BASE).isEqualTo(5 + 13);
        assertThat(SymbolVocab.size()).isEqualTo(18 + 26).isEqualTo(SymbolVocab.names().size());
        assertThat(SymbolVocab.symbol('0')).isEqualTo(SymbolVocab.digit(0)).isEqualTo(18);
        assertThat(SymbolVocab.symbol('a')).isEqualTo(SymbolVocab.letter(0)).isEqualTo(28);
        assertThat(SymbolVocab.symbol('p')).isEqualTo(SymbolVocab.letter(15)).isEqualTo(43);
        assertThat(SymbolVocab.letterIndex(SymbolVocab.letter(7))).isEqualTo(7);
        assertThat(SymbolVocab.digitValue(SymbolVocab.digit(9))).isEqualTo(9);
        assertThat(SymbolVocab.letterIndex(SymbolVocab.digit(9))).isEqualTo(-1);
    }

    @Test
    void encodeGivesExpectedIdsAndRoundTrips() {
        String text = "<bos><copy>ab9<sep>ab9<eos>";
        int[] ids = Tokenizer.encode(text);
        assertThat(ids).containsExactly(1, SymbolVocab.taskToken("copy"), 28, 29, 27, 3, 28, 29, 27, 2);
        assertThat(Tokenizer.decode(ids)).isEqualTo(text);
        for (String s : List.of("", "0123456789abcdefghijklmnop", "<cls><first_last>abca", "<pad><pad>",
                "<rotate>pona")) {
            assertThat(Tokenizer.decode(Tokenizer.encode(s))).isEqualTo(s);
        }
        for (int id = 0; id < SymbolVocab.size(); id++) {
            assertThat(Tokenizer.encode(SymbolVocab.name(id))).containsExactly(id);
        }
    }

    @Test
    void paddingAndMasks() {
        Tokenizer.Padded p = Tokenizer.padBatch(List.of(Tokenizer.encode("abc"), Tokenizer.encode("<cls>p")), 5);
        assertThat(p.tokens()[0]).containsExactly(28, 29, 30, 0, 0);
        assertThat(p.mask()[0]).containsExactly(1, 1, 1, 0, 0);
        assertThat(p.tokens()[1]).containsExactly(4, 43, 0, 0, 0);
        assertThat(p.mask()[1]).containsExactly(1, 1, 0, 0, 0);
        assertThat(Tokenizer.decode(p.tokens()[0], p.mask()[0])).isEqualTo("abc");
        assertThat(Tokenizer.decode(p.tokens()[0])).isEqualTo("abc<pad><pad>");
        assertThat(Tokenizer.padWith(new int[] {7}, 3, SymbolVocab.IGNORE_INDEX)).containsExactly(7, -100, -100);
        assertThatThrownBy(() -> Tokenizer.pad(new int[6], 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 6").hasMessageContaining("5");
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        assertThatThrownBy(() -> Tokenizer.encode("abz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'z'").hasMessageContaining("position 2");
        assertThatThrownBy(() -> Tokenizer.encode("<bos")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Tokenizer.encode("<nope>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<nope>");
        assertThatThrownBy(() -> SymbolVocab.taskToken("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first_last");
        assertThatThrownBy(() -> SymbolVocab.name(SymbolVocab.size())).isInstanceOf(IllegalArgumentException.class);
    }
}
