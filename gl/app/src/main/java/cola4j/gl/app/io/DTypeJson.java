package cola4j.gl.app.io;

import cola4j.tensor.DType;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * The command-line spelling of a {@link DType} in the programs' JSON (run records, {@code training_state.json},
 * reports): {@code "float32"} / {@code "float64"}. Use on a record component as
 * {@code @JsonSerialize(using = DTypeJson.Writer.class) @JsonDeserialize(using = DTypeJson.Reader.class)}.
 * (Model checkpoints' {@code config.json} keep Jackson's default, the constant name {@code FLOAT32}.)
 */
public final class DTypeJson {
    private DTypeJson() {}

    /** Writes {@link DType#cliName}. */
    public static final class Writer extends StdSerializer<DType> {
        public Writer() {
            super(DType.class);
        }

        @Override
        public void serialize(DType d, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(d.cliName);
        }
    }

    /** Reads exactly {@code float32} or {@code float64}; anything else is a clear error. */
    public static final class Reader extends StdDeserializer<DType> {
        public Reader() {
            super(DType.class);
        }

        @Override
        public DType deserialize(JsonParser p, DeserializationContext c) throws IOException {
            String s = p.getValueAsString();
            for (DType d : DType.values()) if (d.cliName.equals(s)) return d;
            return (DType) c.handleWeirdStringValue(DType.class, s, "dtype must be float32 or float64");
        }
    }
}
