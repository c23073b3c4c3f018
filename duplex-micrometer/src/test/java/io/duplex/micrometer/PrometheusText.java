package io.duplex.micrometer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} (before the samples of its family, once), another comment, or a
 * sample {@code name{label="value",...} value [timestamp]} with legal names, escapes and numbers;
 * anything else fails. Samples come back keyed by name and sorted labels.
 *
 * <p>Threading: stateless.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");

    /** A sample's name and labels. */
    record Series(String name, Map<String, String> labels) {
        @Override
        public String toString() {
            return name + labels;
        }
    }

    /** What a scrape held: the type of each family and every sample. */
    record Scrape(Map<String, String> types, Map<Series, Double> samples) {
        Double value(String name, String... labels) {
            Map<String, String> l = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                l.put(labels[i], labels[i + 1]);
            }
            return samples.get(new Series(name, l));
        }
    }

    private PrometheusText() {}

    static Scrape parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<Series, Double> samples = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    if (types.put(t.group(1), t.group(2)) != null) {
                        throw new IllegalArgumentException("line " + n + ": second TYPE for " + t.group(1));
                    }
                } else if (line.startsWith("# TYPE")) {
                    throw new IllegalArgumentException("line " + n + ": bad TYPE: " + line);
                }
                continue;
            }
            Series series = new Series(null, null);
            int i = 0;
            Matcher name = NAME.matcher(line);
            if (!name.lookingAt()) {
                throw new IllegalArgumentException("line " + n + ": no metric name: " + line);
            }
            i = name.end();
            Map<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    Matcher l = LABEL.matcher(line).region(i, line.length());
                    if (!l.lookingAt()) {
                        throw new IllegalArgumentException("line " + n + ": bad label at " + i + ": " + line);
                    }
                    labels.put(l.group(1), unescape(l.group(2)));
                    i = l.end();
                    if (line.charAt(i) == ',') {
                        i++;
                    } else if (line.charAt(i) != '}') {
                        throw new IllegalArgumentException("line " + n + ": expected , or }: " + line);
                    }
                }
                i++;
            }
            String[] rest = line.substring(i).strip().split(" ");
            if (line.charAt(i) != ' ' || rest.length < 1 || rest.length > 2) {
                throw new IllegalArgumentException("line " + n + ": bad value part: " + line);
            }
            double value = number(rest[0], n);
            if (rest.length == 2) {
                Long.parseLong(rest[1]); // a timestamp in milliseconds
            }
            String family = name.group();
            if (types.keySet().stream().noneMatch(family::startsWith)) {
                throw new IllegalArgumentException("line " + n + ": sample before its TYPE: " + line);
            }
            series = new Series(family, labels);
            if (samples.put(series, value) != null) {
                throw new IllegalArgumentException("line " + n + ": duplicate series " + series);
            }
        }
        return new Scrape(types, samples);
    }

    private static double number(String s, int line) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + line + ": bad number " + s);
                }
        }
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
