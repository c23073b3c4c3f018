package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.extension.Extension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a small server window costs: a server honouring {@code server_max_window_bits} 8–14 (RFC
 * 7692 §7.1.2.1) compresses Huffman-only. Measured on a JSON corpus shaped like chat and API
 * traffic (objects with ids, timestamps, names, sentences, nested arrays), compressed per message
 * without context takeover, as the defaults send. The test prints the table docs/performance.md
 * quotes and checks the shape of the result: Huffman-only still compresses, and less than LZ77.
 */
class SmallWindowRatioTest {

    private static final String[] WORDS = {
        "the",
        "message",
        "server",
        "client",
        "frame",
        "window",
        "about",
        "meeting",
        "today",
        "tomorrow",
        "deploy",
        "release",
        "build",
        "review",
        "please",
        "thanks",
        "update",
        "status",
        "error",
        "fixed",
        "channel",
        "room",
        "user",
        "order",
        "payment",
        "shipped",
        "pending",
        "ok",
        "yes",
        "no",
        "later",
        "latency",
        "queue",
        "topic",
        "cache",
        "region",
        "europe",
        "price",
        "quantity",
        "total"
    };

    /** {@code count} bytes (cut at the end) of a JSON array of records like an API or chat feed's. */
    static byte[] corpus(int length, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(length + 256).append('[');
        long time = 1_765_000_000_000L;
        while (sb.length() < length) {
            time += r.nextInt(5_000);
            sb.append("{\"id\":\"").append(Long.toHexString(r.nextLong())).append('"');
            sb.append(",\"ts\":\"2026-12-0").append(1 + r.nextInt(9)).append('T');
            sb.append(String.format(
                    "%02d:%02d:%02d.%03dZ\"", r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1000)));
            sb.append(",\"user\":{\"id\":").append(r.nextInt(50_000)).append(",\"name\":\"");
            sb.append(WORDS[r.nextInt(WORDS.length)])
                    .append('_')
                    .append(r.nextInt(1000))
                    .append("\"}");
            sb.append(",\"room\":\"").append(WORDS[r.nextInt(WORDS.length)]).append('"');
            sb.append(",\"text\":\"");
            int words = 3 + r.nextInt(15);
            for (int i = 0; i < words; i++) {
                sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
            }
            sb.append("\",\"tags\":[");
            int tags = r.nextInt(4);
            for (int i = 0; i < tags; i++) {
                sb.append(i == 0 ? "" : ",")
                        .append('"')
                        .append(WORDS[r.nextInt(WORDS.length)])
                        .append('"');
            }
            sb.append("],\"score\":").append(r.nextInt(10_000) / 100.0);
            sb.append(",\"seen\":").append(r.nextBoolean()).append("},");
        }
        sb.setLength(length);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Extension server(String... offer) {
        return new PerMessageDeflate(DeflateConfig.builder().threshold(0).build())
                .serverAccept(List.of(offer(offer)))
                .orElseThrow();
    }

    @Test
    void huffmanOnlyCompressesJsonLessThanAFullWindowButStillCompresses() {
        Extension full = server();
        Extension small = server("server_max_window_bits=10");
        try {
            StringBuilder table = new StringBuilder(
                    "message size | full window (15 bits) | server_max_window_bits 8-14 (Huffman-only)\n");
            for (int size : new int[] {256, 1024, 4096, 16_384, 65_536}) {
                long in = 0;
                long outFull = 0;
                long outSmall = 0;
                for (int seed = 0; seed < 50; seed++) {
                    byte[] message = corpus(size, seed);
                    in += size;
                    outFull += full.encode(true, ByteBuffer.wrap(message))
                            .payload()
                            .remaining();
                    outSmall += small.encode(true, ByteBuffer.wrap(message))
                            .payload()
                            .remaining();
                }
                double fullRatio = (double) outFull / in;
                double smallRatio = (double) outSmall / in;
                table.append(String.format("%,d B | %.1f %% | %.1f %%%n", size, fullRatio * 100, smallRatio * 100));
                assertThat(smallRatio)
                        .as("Huffman-only at %d", size)
                        .isLessThan(0.8)
                        .isGreaterThan(fullRatio);
            }
            System.out.println("Compressed size / original size, JSON corpus, 50 messages each:\n" + table);
        } finally {
            full.close();
            small.close();
        }
    }
}
