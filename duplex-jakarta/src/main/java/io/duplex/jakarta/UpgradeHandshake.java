package io.duplex.jakarta;

import io.duplex.UpgradeRequest;
import io.duplex.handshake.QueryString;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The opening handshake as {@code ServerEndpointConfig.Configurator.modifyHandshake} sees it: the
 * request ({@link HandshakeRequest}, read from Duplex's {@link UpgradeRequest}) and the response
 * whose headers the configurator may add to (Jakarta WebSocket 2.1 §3.1.5).
 *
 * <p>Threading: used on one event loop during one handshake.
 */
final class UpgradeHandshake implements HandshakeRequest {
    private final UpgradeRequest request;
    private final URI requestUri;
    private final Map<String, List<String>> requestHeaders;
    private final Map<String, List<String>> parameters;
    private final Response response = new Response();

    /** The response side: headers the configurator adds to the 101 answer. */
    static final class Response implements HandshakeResponse {
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        @Override
        public Map<String, List<String>> getHeaders() {
            return headers;
        }
    }

    UpgradeHandshake(UpgradeRequest request, boolean secure) {
        this.request = request;
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (var field : request.headers().fields()) {
            headers.computeIfAbsent(field.name(), k -> new ArrayList<>()).add(field.value());
        }
        headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
        this.requestHeaders = Collections.unmodifiableMap(headers);
        String host = request.headers().first("Host");
        String query = request.query();
        this.requestUri = URI.create((secure ? "wss://" : "ws://")
                + (host == null ? "localhost" : host)
                + request.path()
                + (query == null ? "" : "?" + query));
        this.parameters = parseQuery(request.query());
    }

    /** The parameters of a raw query string, decoded ({@code Session.getRequestParameterMap}). */
    static Map<String, List<String>> parseQuery(String query) {
        return QueryString.all(query);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        return requestHeaders;
    }

    /** No servlet authentication here: an {@code Upgrader} may attach an identity instead. */
    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public URI getRequestURI() {
        return requestUri;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    /** There is no HTTP session without a servlet container. */
    @Override
    public Object getHttpSession() {
        return null;
    }

    @Override
    public Map<String, List<String>> getParameterMap() {
        return parameters;
    }

    @Override
    public String getQueryString() {
        return request.query();
    }

    Response response() {
        return response;
    }
}
