package io.duplex.interop;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the one-line JSON reports the peers print (Jackson, strict: one value filling the line,
 * no duplicate keys): objects become {@link Map}s in order, arrays {@code List}s, whole numbers
 * {@link Long}, others {@link Double}. A malformed line fails loudly.
 *
 * <p>Threading: safe from any thread (one shared, immutable mapper).
 */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    static Map<String, Object> object(String text) {
        try {
            Map<String, Object> map = MAPPER.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {});
            if (map == null) {
                throw new IllegalArgumentException("not a JSON object: " + text);
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage() + ": " + text, e);
        }
    }
}
