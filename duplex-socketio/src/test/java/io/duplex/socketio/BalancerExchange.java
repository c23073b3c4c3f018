package io.duplex.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One connection through a {@link TestBalancer}: its request (the only one, see {@link
 * TestBalancer#requestsAfterFirst}), the backend it went to and the start of the answer.
 *
 * @param connection the balancer's number for the connection (1, 2, … in accept order)
 * @param backend the index of the backend it was routed to
 * @param requestLine the request line, e.g. {@code GET /socket.io/?EIO=4&transport=polling HTTP/1.1}
 * @param sid the Engine.IO {@code sid} query parameter of the request, or null (a handshake)
 * @param upgrade whether the request asked for a WebSocket upgrade
 * @param status the response status, or 0 when the connection ended before a whole response head
 * @param body the response body as far as it was captured (ISO-8859-1), empty for a 101
 * @param issuedSid the sid of the Engine.IO open packet ({@code 0{"sid":…}}) the response body
 *     carried, or null
 */
record BalancerExchange(
        int connection,
        int backend,
        String requestLine,
        String sid,
        boolean upgrade,
        int status,
        String body,
        String issuedSid) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether this is the Engine.IO "Session ID unknown" answer: 400 with {@code "code":1}. */
    boolean sessionUnknown() {
        if (status != 400) {
            return false;
        }
        try {
            return JSON.readTree(body).path("code").asInt(-1) == 1;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A request head as the balancer needs it: the line, the {@code sid}, whether it upgrades and how
     * long its body is (to tell a second request on the same connection from the first one's body).
     */
    record Request(String line, String sid, boolean upgrade, long contentLength) {
        static Request parse(String head) {
            String[] lines = head.split("\r\n");
            String[] parts = lines[0].split(" ");
            if (parts.length != 3) {
                throw new IllegalArgumentException("bad request line: " + lines[0]);
            }
            boolean upgrade = false;
            long length = 0;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("upgrade")) {
                    upgrade = value.equalsIgnoreCase("websocket");
                } else if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                }
            }
            return new Request(lines[0], queryParameter(parts[1], "sid"), upgrade, length);
        }

        private static String queryParameter(String target, String name) {
            int q = target.indexOf('?');
            if (q < 0) {
                return null;
            }
            for (String pair : target.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /**
     * Collects the start of a response as it is forwarded: its head and, for a response with a
     * {@code Content-Length}, its body, up to {@code limit} bytes (WebSocket frames after a 101 are
     * not collected). Confined to the thread that pumps the response.
     */
    static final class ResponseCapture {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final int limit;
        private int headEnd = -1;
        private int status;
        private long contentLength;
        private boolean complete;

        ResponseCapture(int limit) {
            this.limit = limit;
        }

        /** Adds forwarded bytes; true when they complete the capture (at most once). */
        boolean add(byte[] bytes, int n) {
            if (complete) {
                return false;
            }
            seen.write(bytes, 0, Math.min(n, limit - seen.size()));
            byte[] all = seen.toByteArray();
            if (headEnd < 0) {
                headEnd = indexOfBlankLine(all);
                if (headEnd >= 0) {
                    parseHead(new String(all, 0, headEnd, StandardCharsets.ISO_8859_1));
                }
            }
            complete =
                    seen.size() >= limit || (headEnd >= 0 && (status == 101 || all.length - headEnd >= contentLength));
            return complete;
        }

        boolean complete() {
            return complete;
        }

        /** The exchange as captured so far (status 0 without a whole head). */
        BalancerExchange exchange(int connection, int backend, Request request) {
            String body = "";
            if (headEnd >= 0 && status != 101) {
                byte[] all = seen.toByteArray();
                body = new String(
                        all, headEnd, (int) Math.min(all.length - headEnd, contentLength), StandardCharsets.ISO_8859_1);
            }
            return new BalancerExchange(
                    connection,
                    backend,
                    request.line(),
                    request.sid(),
                    request.upgrade(),
                    status,
                    body,
                    issuedSid(body));
        }

        private void parseHead(String head) {
            String[] lines = head.split("\r\n");
            status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    contentLength = Long.parseLong(lines[i].substring(colon + 1).trim());
                }
            }
        }

        /** The index just past the head's CRLF CRLF, or -1. */
        private static int indexOfBlankLine(byte[] b) {
            for (int i = 3; i < b.length; i++) {
                if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') {
                    return i + 1;
                }
            }
            return -1;
        }

        /** The sid of an Engine.IO open packet: {@code 0} then JSON, maybe more packets after 0x1e. */
        private static String issuedSid(String body) {
            if (!body.startsWith("0{")) {
                return null;
            }
            int end = body.indexOf('\u001e');
            try {
                JsonNode open = JSON.readTree(body.substring(1, end < 0 ? body.length() : end));
                return open.path("sid").isTextual() ? open.path("sid").asText() : null;
            } catch (IOException e) {
                return null;
            }
        }
    }
}
