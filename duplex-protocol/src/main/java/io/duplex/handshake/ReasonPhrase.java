package io.duplex.handshake;

/**
 * The reason phrases of the statuses a handshake answers with (RFC 7231 §6.1, RFC 6585).
 *
 * <p>Threading: stateless.
 */
final class ReasonPhrase {
    private ReasonPhrase() {}

    /** The standard phrase, or {@code Error} for a status without one here. */
    static String of(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
