package io.duplex.topics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one Jackson configuration of the protocol, with the limits that keep a hostile message
 * cheap: the server's message limit already bounds its size; these bound what a small message can
 * cost (deep nesting, numbers of thousands of digits). The same limits decide whether a text
 * published through the Java API is delivered as JSON, so both paths agree on what JSON is.
 *
 * <p>Threading: immutable; the mapper is thread-safe once configured.
 */
final class JsonLimits {
    /** Deepest nesting of arrays and objects accepted (a request and its data together). */
    static final int MAX_NESTING = 64;
    /** Longest number, in characters (digits, sign, fraction and exponent). */
    static final int MAX_NUMBER_LENGTH = 100;

    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .build())
            // A member twice is ambiguous (RFC 8259 §4: names SHOULD be unique): refused, not guessed.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Data is delivered as the same JSON value: no float rounding, no "Infinity" for 1e400,
            // and 1.0 stays 1.0.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private JsonLimits() {}

    /** Whether {@code text} is exactly one JSON value within the limits (streamed, no tree built). */
    static boolean isJson(String text) {
        try (JsonParser p = MAPPER.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
