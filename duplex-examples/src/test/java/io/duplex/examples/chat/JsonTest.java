package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.ManualClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict flat-object reader and the writer, alone. */
class JsonTest {

    @Test
    void readsAFlatObjectWithEveryScalarAndArraysOfScalars() throws Exception {
        Map<String, Object> m = JsonReader.readObject(" {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83c\\udf0d\", \"i\":-12,"
                + "\"d\":1.5e3,\"z\":0,\"t\":true,\"f\":false,\"n\":null,\"a\":[\"x\",1,null],\"e\":[]}\r\n");
        assertThat(m)
                .containsEntry("s", "a\"b\\c/\né🌍")
                .containsEntry("i", -12.0)
                .containsEntry("d", 1500.0)
                .containsEntry("z", 0.0)
                .containsEntry("t", true)
                .containsEntry("f", false)
                .containsEntry("n", JsonReader.NULL)
                .containsEntry("a", List.of("x", 1.0, JsonReader.NULL))
                .containsEntry("e", List.of());
        assertThat(m.keySet()).containsExactly("s", "i", "d", "z", "t", "f", "n", "a", "e");
        assertThat(JsonReader.readObject("{}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "[]",
                "\"s\"",
                "1",
                "{",
                "{\"a\"}",
                "{\"a\":}",
                "{\"a\":1,}",
                "{,}",
                "{\"a\":1 \"b\":2}",
                "{a:1}",
                "{'a':1}",
                "{\"a\":{}}",
                "{\"a\":[[1]]}",
                "{\"a\":[{}]}",
                "{\"a\":[1,]}",
                "{\"a\":1,\"a\":2}",
                "{\"a\":01}",
                "{\"a\":-}",
                "{\"a\":1.}",
                "{\"a\":.5}",
                "{\"a\":1e}",
                "{\"a\":+1}",
                "{\"a\":NaN}",
                "{\"a\":tru}",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}",
                "{\"a\":\"\\u12g4\"}",
                "{\"a\":\"\\ud800\"}",
                "{\"a\":\"\\udc00x\"}",
                "{\"a\":\"tab\there\"}",
                "{\"a\":\"unterminated}",
                "{\"a\":1} {}",
                "{\"a\":1}x",
                "\u00a0{}"
            })
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> JsonReader.readObject(text)).isInstanceOf(JsonReader.MalformedJsonException.class);
    }

    @Test
    void boundsMembersAndItems() throws Exception {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= JsonReader.MAX_MEMBERS; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        assertThatThrownBy(() -> JsonReader.readObject(many + "}"))
                .isInstanceOf(JsonReader.MalformedJsonException.class);
        String items = "{\"a\":[" + "1,".repeat(JsonReader.MAX_ITEMS) + "1]}";
        assertThatThrownBy(() -> JsonReader.readObject(items)).isInstanceOf(JsonReader.MalformedJsonException.class);
        assertThat(JsonReader.readObject("{\"a\":[" + "1,".repeat(JsonReader.MAX_ITEMS - 1) + "1]}"))
                .containsKey("a");
    }

    @Test
    void writerEscapesWhateverUsersTypeAndRoundTrips() throws Exception {
        String nasty = "quote\" backslash\\ nl\n cr\r tab\t nul\u0000 bell\u0007 ls\u2028 ps\u2029 é 🌍 </script>";
        String json = JsonWriter.message("x")
                .field("s", nasty)
                .field("n", 42L)
                .field("d", 2.5)
                .field("b", true)
                .strings("list", List.of("a", "\"b\""))
                .objects("objs", List.of(JsonWriter.object().field("k", "v")))
                .field("o", JsonWriter.object())
                .toString();
        assertThat(json).doesNotContain("\u0000", "\u0007", "\u2028", "\u2029", "\n");
        assertThat(json).contains("\\u0000", "\\u0007", "\\u2028", "\\u2029", "\\n", "\\\"");
        Map<String, Object> back = TestJson.object(json);
        assertThat(back)
                .containsEntry("type", "x")
                .containsEntry("s", nasty)
                .containsEntry("n", 42.0)
                .containsEntry("d", 2.5)
                .containsEntry("b", true)
                .containsEntry("list", List.of("a", "\"b\""))
                .containsEntry("objs", List.of(Map.of("k", "v")))
                .containsEntry("o", Map.of());
        // and the strict reader agrees on the flat part
        assertThat(JsonReader.readObject(JsonWriter.object().field("s", nasty).toString()))
                .containsEntry("s", nasty);
        assertThatThrownBy(() -> JsonWriter.object().field("d", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenBucketAllowsABurstThenTheRate() {
        ManualClock clock = new ManualClock();
        TokenBucket bucket = new TokenBucket(10, 5, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(bucket.tryTake()).isTrue();
        }
        assertThat(bucket.tryTake()).isFalse();
        clock.advance(java.time.Duration.ofMillis(199));
        assertThat(bucket.tryTake()).isFalse();
        clock.advance(java.time.Duration.ofMillis(1));
        assertThat(bucket.tryTake()).isTrue();
        clock.advance(java.time.Duration.ofHours(1)); // refills to the capacity, no more
        for (int i = 0; i < 10; i++) {
            assertThat(bucket.tryTake()).isTrue();
        }
        assertThat(bucket.tryTake()).isFalse();
        assertThatThrownBy(() -> new TokenBucket(0, 1, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
