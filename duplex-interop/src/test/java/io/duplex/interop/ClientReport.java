package io.duplex.interop;

import io.duplex.interop.Recorder.Message;
import io.duplex.testkit.RecordingHandler.Closed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a peer's scripted client says it did in one scenario: the JSON line printed by {@code
 * ws-client.js}, {@code client.py} or the Chromium page, or the same made in Java for the JDK.
 *
 * @param ok the client's own checks passed (e.g. the echo equals what it sent)
 * @param failures the client's own checks that did not pass
 * @param protocol the negotiated subprotocol ("" for none)
 * @param extensions the negotiated extensions header ("" for none; null when unknown)
 * @param received every whole message the client received, in order
 * @param pings payloads of pings the client received; null when its API does not show them
 * @param pongs payloads of pongs the client received; null when its API does not show them
 * @param close the close as the client saw it: the code and reason the other end sent
 */
record ClientReport(
        String peer,
        String scenario,
        boolean ok,
        String error,
        List<String> failures,
        String protocol,
        String extensions,
        List<Message> received,
        List<String> pings,
        List<String> pongs,
        Closed close) {

    static ClientReport fromJson(Map<String, Object> json) {
        List<Message> received = new ArrayList<>();
        for (Object o : list(json.get("received"))) {
            Map<?, ?> m = (Map<?, ?>) o;
            received.add(new Message(
                    (String) m.get("type"), ((Number) m.get("len")).longValue(), (String) m.get("sha256"), (String)
                            m.get("text")));
        }
        Map<?, ?> close = (Map<?, ?>) json.get("close");
        return new ClientReport(
                (String) json.get("peer"),
                (String) json.get("scenario"),
                Boolean.TRUE.equals(json.get("ok")),
                (String) json.get("error"),
                strings(json.get("failures")),
                (String) json.get("protocol"),
                (String) json.get("extensions"),
                received,
                json.get("pings") == null ? null : strings(json.get("pings")),
                json.get("pongs") == null ? null : strings(json.get("pongs")),
                close == null
                        ? null
                        : new Closed(
                                ((Number) close.get("code")).intValue(),
                                (String) close.get("reason"),
                                Boolean.TRUE.equals(close.get("clean"))));
    }

    private static List<?> list(Object o) {
        return o == null ? List.of() : (List<?>) o;
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }
}
