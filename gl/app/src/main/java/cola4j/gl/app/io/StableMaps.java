package cola4j.gl.app.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.type.MapType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A Jackson module that writes the entries of a map without a defined iteration order ({@code Map.of}, HashMap:
 * their order may change from one JVM to the next) sorted by the key's string form, so equal content gives equal
 * bytes. Maps whose order is part of their meaning (LinkedHashMap: insertion order, SortedMap, EnumMap) are written
 * as they iterate. Registered on {@link JsonFiles#MAPPER}; tested by JsonFilesOrderTest.
 */
public final class StableMaps {
    private StableMaps() {}

    /** The module to register on a mapper. */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("cola4j-stable-maps");
        m.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType valueType,
                    BeanDescription beanDesc, JsonSerializer<?> serializer) {
                return new Sorting(serializer);
            }
        });
        return m;
    }

    /** True for maps that iterate in a defined order. */
    static boolean ordered(Map<?, ?> m) {
        return m instanceof LinkedHashMap || m instanceof SortedMap || m instanceof EnumMap || m.size() < 2;
    }

    /** Delegates to Jackson's own map serializer, handing it an insertion-ordered sorted copy of unordered maps. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final class Sorting extends JsonSerializer<Map<?, ?>>
            implements ContextualSerializer, ResolvableSerializer {
        private final JsonSerializer delegate;

        Sorting(JsonSerializer<?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void serialize(Map<?, ?> value, JsonGenerator gen, SerializerProvider p) throws IOException {
            if (ordered(value)) {
                delegate.serialize(value, gen, p);
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(value.entrySet());
            entries.sort(Comparator.comparing(e -> String.valueOf(e.getKey())));
            LinkedHashMap<Object, Object> sorted = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entries) sorted.put(e.getKey(), e.getValue());
            delegate.serialize(sorted, gen, p);
        }

        @Override
        public boolean isEmpty(SerializerProvider p, Map<?, ?> value) {
            return delegate.isEmpty(p, value);
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider p, BeanProperty property)
                throws JsonMappingException {
            JsonSerializer<?> d = delegate instanceof ContextualSerializer c ? c.createContextual(p, property)
                    : delegate;
            return d == delegate ? this : new Sorting(d);
        }

        @Override
        public void resolve(SerializerProvider p) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer r) r.resolve(p);
        }
    }
}
