package cola4j.gl.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HfTokenizer} on a committed 16-token WordLevel tokenizer.json (lowercase normalizer, whitespace
 * pre-tokenizer, [CLS] … [SEP] template): ids as the vocabulary says, offline, and the native library in use is the
 * one packed in DJL's jar (same bytes), printed for the record.
 */
class HfTokenizerTest {
    static final Path TINY = Path.of("src/test/resources/data/tiny-wordlevel");

    @TempDir
    Path tmp;

    @Test
    void encodesWithTheVocabularyAndTemplateAndDecodes() throws Exception {
        try (HfTokenizer t = HfTokenizer.load(TINY)) {
            assertThat(t.encode("The cat sat on the mat.", true)).containsExactly(2, 4, 5, 6, 7, 4, 8, 12, 3);
            assertThat(t.encode("The cat sat on the mat.", false)).containsExactly(4, 5, 6, 7, 4, 8, 12);
            assertThat(t.encode("a zebra ran", false)).containsExactly(13, 1, 15); // unknown word -> [UNK] = 1
            assertThat(t.tokens("Good movie", true)).containsExactly("[CLS]", "good", "movie", "[SEP]");
            assertThat(t.decode(new int[] {2, 14, 15, 3}, true)).isEqualTo("dog ran");
            // no truncation: 600 words give 602 ids
            assertThat(t.encode("dog ".repeat(600), true)).hasSize(602);
            assertThat(t.file()).isEqualTo(TINY.resolve("tokenizer.json").toAbsolutePath().normalize());
        }
        if (System.getenv("DJL_OFFLINE") == null) assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        if (System.getenv("OPT_OUT_TRACKING") == null) assertThat(System.getProperty("OPT_OUT_TRACKING"))
                .isEqualTo("true");
    }

    @Test
    void theNativeLibraryIsTheOnePackedInDjlsJar() throws Exception {
        try (HfTokenizer t = HfTokenizer.load(TINY.resolve("tokenizer.json"))) {
            assertThat(t.encode("cat", false)).containsExactly(5);
        }
        Path lib = HfTokenizer.nativeLibrary().orElseThrow(() -> new AssertionError("no libtokenizers mapped"));
        String resource = "native/lib/linux-x86_64/cpu/libtokenizers.so";
        System.out.println("HfTokenizerTest: native tokenizers library in use: " + lib + " (" + Files.size(lib)
                + " bytes, sha256 " + sha256(Files.readAllBytes(lib)) + ")");
        assertThat(lib.getFileName().toString()).isEqualTo("libtokenizers.so");
        try (InputStream in = HfTokenizer.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " in DJL's jar").isNotNull();
            assertThat(sha256(Files.readAllBytes(lib))).isEqualTo(sha256(in.readAllBytes()));
        }
    }

    @Test
    void missingAndInvalidFilesAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> HfTokenizer.load(tmp.resolve("nope.json"))).isInstanceOf(IOException.class)
                .hasMessage("no tokenizer.json at " + tmp.resolve("nope.json"));
        assertThatThrownBy(() -> HfTokenizer.load(tmp)).isInstanceOf(IOException.class)
                .hasMessageContaining("no tokenizer.json at " + tmp.resolve("tokenizer.json"));
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"model\": {\"type\": \"Nonsense\"}}");
        assertThatThrownBy(() -> HfTokenizer.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad + ": not a valid tokenizer.json (")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
