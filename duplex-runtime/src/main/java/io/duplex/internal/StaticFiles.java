package io.duplex.internal;

import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.ServerHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Answers plain (non-upgrade) GET and HEAD requests from a directory or a classpath folder, for
 * demo pages. Deliberately small: no ranges, no caching headers beyond {@code no-cache}, one
 * response per connection. Everything else gets a proper status (404, 405, 400).
 *
 * <p>Threading: immutable; safe from any thread. Reads files on the calling (loop) thread, so it
 * is meant for small demo assets only (bounded by {@link #MAX_FILE}).
 */
public final class StaticFiles {
    static final long MAX_FILE = 8 << 20;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));

    private final Path directory;
    private final String classpathFolder;

    private StaticFiles(Path directory, String classpathFolder) {
        this.directory = directory;
        this.classpathFolder = classpathFolder;
    }

    public static StaticFiles directory(Path directory) {
        return new StaticFiles(directory.toAbsolutePath().normalize(), null);
    }

    public static StaticFiles classpath(String folder) {
        String f = folder.startsWith("/") ? folder.substring(1) : folder;
        return new StaticFiles(null, f.endsWith("/") ? f : f + "/");
    }

    /** The complete response (head and body) for a non-upgrade request. */
    public ByteBuffer respond(HttpHead.Request request) {
        boolean head = request.method().equals("HEAD");
        if (!request.method().equals("GET") && !head) {
            return ServerHandshake.rejection(405, "method not allowed", Headers.of("Allow", "GET, HEAD"));
        }
        String path = decodedPath(request.target());
        if (path == null) {
            return ServerHandshake.rejection(400, "bad request target", Headers.EMPTY);
        }
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        byte[] body;
        try {
            body = load(path.substring(1));
        } catch (IOException e) {
            body = null;
        }
        if (body == null) {
            return ServerHandshake.rejection(404, "not found", Headers.EMPTY);
        }
        Headers headers = Headers.builder()
                .add("Content-Type", type(path))
                .add("Content-Length", Integer.toString(body.length))
                .add("Cache-Control", "no-cache")
                .add("X-Content-Type-Options", "nosniff")
                .add("Connection", "close")
                .build();
        ByteBuffer h = new HttpHead.Response("HTTP/1.1", 200, "OK", headers).encode();
        ByteBuffer out = ByteBuffer.allocate(h.remaining() + (head ? 0 : body.length));
        out.put(h);
        if (!head) {
            out.put(body);
        }
        return out.flip();
    }

    /** The normalised absolute path, or null when it tries to leave the root or is malformed. */
    static String decodedPath(String target) {
        try {
            URI uri = new URI(target);
            String p = uri.getPath();
            if (p == null || !p.startsWith("/") || p.indexOf('\0') >= 0 || p.contains("\\")) {
                return null;
            }
            String normalized = URI.create("/")
                    .resolve(new URI(null, null, p, null))
                    .normalize()
                    .getPath();
            if (normalized == null || normalized.contains("/../") || normalized.startsWith("/..")) {
                return null;
            }
            return normalized;
        } catch (Exception e) {
            return null;
        }
    }

    private byte[] load(String relative) throws IOException {
        if (directory != null) {
            Path file = directory.resolve(relative).normalize();
            if (!file.startsWith(directory) || !Files.isRegularFile(file) || Files.size(file) > MAX_FILE) {
                return null;
            }
            return Files.readAllBytes(file);
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(classpathFolder + relative)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readNBytes((int) MAX_FILE + 1);
            return bytes.length > MAX_FILE ? null : bytes;
        }
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
