package io.duplex.jakarta.samples;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/**
 * A chat room in the style of the Jakarta EE tutorial and the Tyrus samples: the room is a path
 * parameter, lines are decoded and encoded, each line goes to every open session of the room.
 * Nothing here knows Duplex: the same class runs on Tyrus.
 */
@ServerEndpoint(value = "/chat/{room}", encoders = ChatMessageEncoder.class, decoders = ChatMessageDecoder.class)
public class ChatEndpoint {

    @OnOpen
    public void open(Session session, @PathParam("room") String room) throws IOException {
        session.getUserProperties().put("room", room);
        session.getBasicRemote().sendText("welcome to " + room);
    }

    @OnMessage
    public void message(ChatMessage message, Session session, @PathParam("room") String room)
            throws IOException, EncodeException {
        for (Session s : session.getOpenSessions()) {
            if (room.equals(s.getUserProperties().get("room"))) {
                s.getBasicRemote().sendObject(message);
            }
        }
    }

    @OnError
    public void error(Session session, Throwable error) throws IOException {
        session.getBasicRemote().sendText("error: " + error.getClass().getSimpleName());
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        session.getUserProperties().remove("room");
    }
}
