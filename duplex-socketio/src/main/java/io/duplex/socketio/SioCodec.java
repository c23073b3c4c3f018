package io.duplex.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.duplex.socketio.engine.EnginePacket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket.IO protocol v5 encoding: {@code <type>[<attachments>-][<nsp>,][<ack id>][<JSON>]}, binary
 * values replaced by {@code {"_placeholder":true,"num":n}} and sent as attachments after the text
 * packet. Arguments are plain Java values (maps, lists, strings, numbers, booleans, null, {@code
 * byte[]} or {@link ByteBuffer}) or anything Jackson serialises.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class SioCodec {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private SioCodec() {}

    /** Thrown for a packet that does not follow the protocol. */
    static final class BadPacket extends Exception {
        BadPacket(String message) {
            super(message, null, false, false);
        }
    }

    /** Encodes a packet; EVENT and ACK become their BINARY_ kinds when the data holds binary. */
    static List<EnginePacket> encode(int type, String nsp, long ackId, Object data) {
        List<byte[]> attachments = new ArrayList<>();
        Object json = data == null ? null : deconstruct(data, attachments);
        return packets(type, nsp, ackId, json, attachments);
    }

    /**
     * The data with each binary value replaced by its placeholder ({@code {"_placeholder":true,
     * "num":n}}), the binaries added to {@code attachments} in order: what a stored event keeps.
     */
    static Object withPlaceholders(Object data, List<byte[]> attachments) {
        return deconstruct(data, attachments);
    }

    /**
     * Encodes an EVENT whose data is a JSON tree that already holds the placeholders of {@code
     * attachments} (a BINARY_EVENT when there are some).
     */
    static List<EnginePacket> encodeEvent(String nsp, JsonNode data, List<byte[]> attachments) {
        return encodeEvent(nsp, -1, data, attachments);
    }

    /** As {@link #encodeEvent(String, JsonNode, List)}, asking for an ack ({@code ackId ≥ 0}). */
    static List<EnginePacket> encodeEvent(String nsp, long ackId, JsonNode data, List<byte[]> attachments) {
        return packets(SioPacket.EVENT, nsp, ackId, data, attachments);
    }

    private static List<EnginePacket> packets(int type, String nsp, long ackId, Object json, List<byte[]> attachments) {
        if (!attachments.isEmpty()) {
            type = type == SioPacket.EVENT
                    ? SioPacket.BINARY_EVENT
                    : type == SioPacket.ACK ? SioPacket.BINARY_ACK : type;
        }
        StringBuilder sb = new StringBuilder().append(type);
        if (!attachments.isEmpty()) {
            sb.append(attachments.size()).append('-');
        }
        if (!"/".equals(nsp)) {
            sb.append(nsp).append(',');
        }
        if (ackId >= 0) {
            sb.append(ackId);
        }
        if (json != null) {
            try {
                sb.append(JSON.writeValueAsString(json));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode as JSON: " + e.getOriginalMessage(), e);
            }
        }
        List<EnginePacket> out = new ArrayList<>(1 + attachments.size());
        out.add(EnginePacket.message(sb.toString()));
        for (byte[] a : attachments) {
            out.add(EnginePacket.binary(a));
        }
        return out;
    }

    private static Object deconstruct(Object v, List<byte[]> attachments) {
        if (v instanceof byte[] b) {
            return placeholder(b, attachments);
        }
        if (v instanceof ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return placeholder(b, attachments);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(k, deconstruct(x, attachments)));
            return copy;
        }
        if (v instanceof Collection<?> c) {
            List<Object> copy = new ArrayList<>(c.size());
            for (Object x : c) {
                copy.add(deconstruct(x, attachments));
            }
            return copy;
        }
        if (v instanceof Object[] a) {
            return deconstruct(List.of(a), attachments);
        }
        return v;
    }

    private static Map<String, Object> placeholder(byte[] b, List<byte[]> attachments) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("_placeholder", true);
        p.put("num", attachments.size());
        attachments.add(b);
        return p;
    }

    /** Parses the text of a packet. */
    static SioPacket decode(String s) throws BadPacket {
        if (s.isEmpty()) {
            throw new BadPacket("empty packet");
        }
        int i = 0;
        int type = s.charAt(i++) - '0';
        if (type < 0 || type > 6) {
            throw new BadPacket("unknown packet type");
        }
        int attachments = 0;
        if (type == SioPacket.BINARY_EVENT || type == SioPacket.BINARY_ACK) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 6 || i >= s.length() || s.charAt(i) != '-') {
                throw new BadPacket("bad attachment count");
            }
            attachments = Integer.parseInt(s.substring(start, i++));
        }
        String nsp = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            nsp = s.substring(i, end);
            i = comma < 0 ? s.length() : comma + 1;
        }
        long ackId = -1;
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i > start) {
            if (i - start > 15) {
                throw new BadPacket("ack id too long");
            }
            ackId = Long.parseLong(s.substring(start, i));
        }
        JsonNode data = null;
        if (i < s.length()) {
            try {
                data = JSON.readTree(s.substring(i));
            } catch (JsonProcessingException e) {
                throw new BadPacket("bad JSON");
            }
        }
        SioPacket p = new SioPacket(type, nsp, ackId, data, attachments);
        check(p);
        return p;
    }

    private static void check(SioPacket p) throws BadPacket {
        boolean ok =
                switch (p.type()) {
                    case SioPacket.CONNECT -> p.data() == null || p.data().isObject();
                    case SioPacket.DISCONNECT -> p.data() == null;
                    case SioPacket.EVENT, SioPacket.BINARY_EVENT ->
                        p.data() != null
                                && p.data().isArray()
                                && p.data().size() > 0
                                && (p.data().get(0).isTextual()
                                        || p.data().get(0).isNumber());
                    case SioPacket.ACK, SioPacket.BINARY_ACK ->
                        p.data() != null && p.data().isArray() && p.ackId() >= 0;
                    default -> false; // CONNECT_ERROR goes from server to client only
                };
        if (!ok) {
            throw new BadPacket("packet does not fit its type");
        }
    }

    /** The packet's array data as Java values, placeholders replaced by their attachments. */
    static List<Object> arguments(JsonNode array, List<byte[]> attachments) throws BadPacket {
        List<Object> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            out.add(value(n, attachments));
        }
        return out;
    }

    static Object value(JsonNode n, List<byte[]> attachments) throws BadPacket {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isObject()) {
            if (n.path("_placeholder").asBoolean(false) && n.path("num").isInt()) {
                int num = n.get("num").asInt();
                if (num < 0 || num >= attachments.size()) {
                    throw new BadPacket("placeholder without its attachment");
                }
                return attachments.get(num);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), value(e.getValue(), attachments));
            }
            return m;
        }
        if (n instanceof ArrayNode a) {
            return arguments(a, attachments);
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.numberValue();
    }
}
