package io.duplex.cli;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code duplex serve --socketio}: the Socket.IO echo server, spoken to in raw Engine.IO packets. */
class ServeSocketIoTest {
    @Test
    void eventsComeBackAndAcksAreAnsweredWithTheSameArguments() throws Exception {
        RunningServe serve = RunningServe.start("--socketio");
        WebSocketClient client = WebSocketClient.builder().build();
        try {
            RecordingHandler h = new RecordingHandler();
            WebSocket ws = await(client.connect(serve.uri("/socket.io/?EIO=4&transport=websocket"), h));
            assertThat(h.nextText()).startsWith("0{\"sid\":\"").contains("\"upgrades\":[]");
            ws.send("40");
            assertThat(h.nextText()).startsWith("40{\"sid\":\"");
            ws.send("42[\"hi\",1,{\"a\":[true,null]}]");
            assertThat(h.nextText()).isEqualTo("42[\"hi\",1,{\"a\":[true,null]}]");
            ws.send("4217[\"with-ack\",\"x\"]");
            assertThat(h.nextText()).isEqualTo("4317[\"x\"]");
            // Polling works on the same port: the handshake answers with an open packet.
            HttpResponse<String> open = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + serve.server().port() + "/socket.io/?EIO=4&transport=polling"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).startsWith("0{\"sid\":\"").contains("\"upgrades\":[\"websocket\"]");
            ws.close();
        } finally {
            client.close();
            serve.stop();
        }
    }
}
