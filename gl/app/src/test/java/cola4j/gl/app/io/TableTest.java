package cola4j.gl.app.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link Table#alignLeft}: chosen columns are padded on the right (no trailing blanks on the last), the others
 * stay right-aligned.
 */
class TableTest {
    @Test
    void leftAlignedColumnsArePaddedOnTheRight() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Table t = new Table("method", "acc", "verdict").alignLeft(0, 2).row("lora", "0.9", "yes")
                .row("cola-merged", "0.91", "n/a");
        t.print(new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(buf.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
                "method        acc  verdict",
                "-----------  ----  -------",
                "lora          0.9  yes",
                "cola-merged  0.91  n/a");
        assertThat(t.markdown()).startsWith("| method | acc | verdict |\n|---|---:|---|\n");
        assertThatThrownBy(() -> new Table("a").alignLeft(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 1");
    }
}
