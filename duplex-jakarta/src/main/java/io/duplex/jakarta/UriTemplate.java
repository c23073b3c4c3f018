package io.duplex.jakarta;

import jakarta.websocket.DeploymentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A server endpoint path: a relative URI or a level-1 URI template whose variables replace whole
 * segments ({@code /chat/{room}}), as Jakarta WebSocket 2.1 §3.1.1 requires.
 *
 * <p>Threading: immutable.
 *
 * @param path the path as declared
 * @param segments the segments after the leading '/'; a variable is kept as {@code {name}}
 */
record UriTemplate(String path, List<String> segments) {

    /** Parses and validates a path; a malformed one is a deployment error (§5.2.1). */
    static UriTemplate parse(String path) throws DeploymentException {
        // §3.1.1: start with '/', no "/../", "/./" or "//".
        if (path == null || !path.startsWith("/")) {
            throw new DeploymentException("endpoint path must start with '/': " + path);
        }
        if (path.contains("/../") || path.contains("/./") || path.contains("//")) {
            throw new DeploymentException("endpoint path must not contain /../, /./ or //: " + path);
        }
        List<String> segments = split(path);
        Set<String> names = new HashSet<>();
        for (String s : segments) {
            boolean open = s.indexOf('{') >= 0;
            boolean close = s.indexOf('}') >= 0;
            if (!open && !close) {
                continue;
            }
            // §3.1.1: only whole segments may be variables, and each variable once.
            if (!isVariable(s) || s.length() == 2) {
                throw new DeploymentException("a variable must be a whole segment: " + path);
            }
            if (!names.add(s)) {
                throw new DeploymentException("variable " + s + " used twice in " + path);
            }
        }
        return new UriTemplate(path, List.copyOf(segments));
    }

    /** Whether the path has no variables (an exact route). */
    boolean isExact() {
        return segments.stream().noneMatch(UriTemplate::isVariable);
    }

    /** The variables' values if {@code requestPath} is a valid expansion, else {@code null}. */
    Map<String, String> match(String requestPath) {
        List<String> actual = split(requestPath);
        if (actual.size() != segments.size()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < actual.size(); i++) {
            String s = segments.get(i);
            if (isVariable(s)) {
                if (actual.get(i).isEmpty()) {
                    return null;
                }
                values.put(s.substring(1, s.length() - 1), actual.get(i));
            } else if (!s.equals(actual.get(i))) {
                return null;
            }
        }
        return values;
    }

    /**
     * Whether this template beats {@code other} for a path both match (§3.1.1: left to right, an
     * exact segment is kept over a variable one).
     */
    boolean moreSpecificThan(UriTemplate other) {
        for (int i = 0; i < segments.size(); i++) {
            boolean mine = isVariable(segments.get(i));
            boolean theirs = isVariable(other.segments.get(i));
            if (mine != theirs) {
                return !mine;
            }
        }
        return false;
    }

    /** Whether both templates match the same paths (§3.1.1: such an application is invalid). */
    boolean equivalentTo(UriTemplate other) {
        if (segments.size() != other.segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String a = segments.get(i);
            String b = other.segments.get(i);
            if (isVariable(a) != isVariable(b) || (!isVariable(a) && !a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = 1;
        while (true) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                out.add(path.substring(start));
                return out;
            }
            out.add(path.substring(start, slash));
            start = slash + 1;
        }
    }
}
