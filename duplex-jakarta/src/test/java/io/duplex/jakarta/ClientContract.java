package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.jakarta.samples.ChatMessage;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Encoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Jakarta client ({@link JakartaClientContainer}) against a server: {@link DuplexClientTest}
 * runs it against the sample endpoints on Duplex, {@link TyrusClientTest} against the same classes
 * on Tyrus. Client endpoints are written as the Jakarta EE tutorial writes them.
 */
abstract class ClientContract {
    static final long WAIT = 10;

    abstract URI uri(String path);

    JakartaClientContainer container;

    @BeforeEach
    void container() {
        container = JakartaClientContainer.create();
    }

    @AfterEach
    void close() {
        container.close();
    }

    /** A chat line as the server's decoder reads it: {@code from|text}. */
    public static class LineEncoder implements Encoder.Text<ChatMessage> {
        @Override
        public String encode(ChatMessage m) {
            return m.from() + "|" + m.text();
        }
    }

    /** A line as the server's encoder writes it ({@code from: text}); anything else is the server's. */
    public static class LineDecoder implements Decoder.Text<ChatMessage> {
        @Override
        public ChatMessage decode(String s) throws DecodeException {
            int colon = s.indexOf(": ");
            return colon < 0
                    ? new ChatMessage("server", s)
                    : new ChatMessage(s.substring(0, colon), s.substring(colon + 2));
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    /** §4.2: an annotated client endpoint with an encoder and a decoder. */
    @ClientEndpoint(encoders = LineEncoder.class, decoders = LineDecoder.class)
    public static class ChatClient {
        final BlockingQueue<ChatMessage> received = new LinkedBlockingQueue<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @OnMessage
        public void line(ChatMessage m) {
            received.add(m);
        }

        @OnClose
        public void close(CloseReason reason) {
            closed.complete(reason);
        }

        ChatMessage next() throws InterruptedException {
            ChatMessage m = received.poll(WAIT, TimeUnit.SECONDS);
            assertThat(m).as("a message within %d s", WAIT).isNotNull();
            return m;
        }
    }

    /** §4.2, §4.1.2, §4.1.3: objects encoded on the way out and decoded on the way in. */
    @Test
    void annotatedClientChatsThroughEncodersAndDecoders() throws Exception {
        ChatClient alice = new ChatClient();
        Session session = container.connectToServer(alice, uri("/chat/kitchen"));
        assertThat(session.isOpen()).isTrue();
        assertThat(alice.next()).isEqualTo(new ChatMessage("server", "welcome to kitchen"));
        session.getBasicRemote().sendObject(new ChatMessage("alice", "hi"));
        assertThat(alice.next()).isEqualTo(new ChatMessage("alice", "hi"));
        session.getAsyncRemote().sendObject(new ChatMessage("alice", "async")).get(WAIT, TimeUnit.SECONDS);
        assertThat(alice.next()).isEqualTo(new ChatMessage("alice", "async"));
        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
        assertThat(alice.closed.get(WAIT, TimeUnit.SECONDS).getCloseCode().getCode())
                .isEqualTo(1000);
    }

    /** Records what the configurator saw. */
    static final class Recording extends ClientEndpointConfig.Configurator {
        final CompletableFuture<Map<String, List<String>>> response = new CompletableFuture<>();

        @Override
        public void beforeRequest(Map<String, List<String>> headers) {
            headers.put("X-Agent", List.of("jakarta-client"));
        }

        @Override
        public void afterResponse(HandshakeResponse hr) {
            response.complete(hr.getHeaders());
        }
    }

    /**
     * A programmatic endpoint with a {@link ClientEndpointConfig}: preferred subprotocols
     * (§3.2.1: the server picks the first of ours it supports), {@code beforeRequest} adds a
     * header the server sees, {@code afterResponse} sees the server's (§3.2.3).
     */
    @Test
    void programmaticClientWithConfigurator() throws Exception {
        Recording configurator = new Recording();
        BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        ClientEndpointConfig cec = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("v1", "v2"))
                .configurator(configurator)
                .build();
        Session session = container.connectToServer(
                new Endpoint() {
                    @Override
                    public void onOpen(Session s, EndpointConfig config) {
                        s.addMessageHandler(String.class, texts::add);
                    }
                },
                cec,
                uri("/probe"));
        assertThat(texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("v1 jakarta-client");
        assertThat(session.getNegotiatedSubprotocol()).isEqualTo("v1");
        assertThat(configurator.response.get(WAIT, TimeUnit.SECONDS).get("X-Served-By"))
                .containsExactly("probe");
        session.close();
    }

    /** §2.1.4 from the client side: a binary message through a Whole handler, answered by echo. */
    @Test
    void binaryEchoAndOpenSessions() throws Exception {
        BlockingQueue<ByteBuffer> echoes = new LinkedBlockingQueue<>();
        Session session = container.connectToServer(
                new Endpoint() {
                    @Override
                    public void onOpen(Session s, EndpointConfig config) {
                        s.addMessageHandler(new MessageHandler.Whole<ByteBuffer>() {
                            @Override
                            public void onMessage(ByteBuffer message) {
                                echoes.add(message);
                            }
                        });
                    }
                },
                ClientEndpointConfig.Builder.create().build(),
                uri("/echo"));
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(echoes.poll(WAIT, TimeUnit.SECONDS)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(session.getOpenSessions()).contains(session);
        assertThat(session.getRequestURI()).isEqualTo(uri("/echo"));
        assertThat(session.isSecure()).isFalse();
        session.close();
    }

    /** connectToServer: a handshake the server refuses (no endpoint there) is a DeploymentException. */
    @Test
    void aRefusedHandshakeIsADeploymentException() {
        assertThatThrownBy(() -> container.connectToServer(new ChatClient(), uri("/nowhere")))
                .isInstanceOf(DeploymentException.class);
    }
}
