package io.duplex.spring.sample;

import io.duplex.UpgradeDecision;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.spring.DuplexRoute;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A sample application on the starter: an echo on {@code /echo} and chat rooms under {@code
 * /rooms/} (each message to everyone in the room, the sender included; {@code ?token=} required),
 * the server configured in application.properties.
 *
 * <p>Threading: handlers run on the server's event loops.
 */
@SpringBootApplication
public class SampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    @Bean
    DuplexRoute echo() {
        return DuplexRoute.of("/echo", WebSocketHandler.echo());
    }

    @Bean
    DuplexRoute rooms() {
        return DuplexRoute.prefix(
                "/rooms/",
                new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe(ws.path());
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.publish(ws.path(), io.duplex.PreparedMessage.text(text));
                        ws.send(text);
                    }
                },
                request -> request.query() != null && request.query().startsWith("token=")
                        ? UpgradeDecision.accept()
                        : UpgradeDecision.reject(401, "token required"));
    }
}
