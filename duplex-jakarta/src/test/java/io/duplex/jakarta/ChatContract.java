package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The chat sample's behaviour, the same on every container: {@link DuplexChatTest} runs it on
 * Duplex, {@link TyrusChatTest} on Tyrus (standalone Grizzly), with the unchanged endpoint class.
 */
abstract class ChatContract {

    abstract URI uri(String path);

    /** §4.3: the room comes from the path; §4.4: @OnOpen may send at once. */
    @Test
    void welcomesWithThePathParameter() throws Exception {
        try (JdkPeer alice = JdkPeer.connect(uri("/chat/kitchen"))) {
            assertThat(alice.nextText()).isEqualTo("welcome to kitchen");
        }
    }

    /** §4.1.2, §4.1.3: lines are decoded and encoded; §2.1.2 getOpenSessions reaches the room. */
    @Test
    void broadcastsDecodedLinesToTheRoomOnly() throws Exception {
        try (JdkPeer alice = JdkPeer.connect(uri("/chat/a"));
                JdkPeer bob = JdkPeer.connect(uri("/chat/a"));
                JdkPeer carol = JdkPeer.connect(uri("/chat/b"))) {
            alice.nextText();
            bob.nextText();
            carol.nextText();
            alice.send("alice|hello");
            assertThat(alice.nextText()).isEqualTo("alice: hello");
            assertThat(bob.nextText()).isEqualTo("alice: hello");
            carol.send("carol|hi");
            assertThat(carol.nextText()).isEqualTo("carol: hi");
            assertThat(alice.messages).isEmpty();
        }
    }

    /** §5.2.2: a DecodeException goes to @OnError and the session stays open. */
    @Test
    void aDecodeExceptionGoesToOnError() throws Exception {
        try (JdkPeer alice = JdkPeer.connect(uri("/chat/a"))) {
            alice.nextText();
            alice.send("|nobody");
            assertThat(alice.nextText()).isEqualTo("error: DecodeException");
            alice.send("alice|still here");
            assertThat(alice.nextText()).isEqualTo("alice: still here");
        }
    }

    /** The spec's hello endpoint (§2.1.4): a returned value is sent back, text and binary. */
    @Test
    void echoesTheReturnValue() throws Exception {
        try (JdkPeer peer = JdkPeer.connect(uri("/echo"))) {
            assertThat(peer.send("hi").nextText()).isEqualTo("hi");
            assertThat(peer.send(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).next())
                    .isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
    }
}
