package org.openhes.headend.api.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Raw settings with their source, looked up by dotted name ({@code http.port}). An environment
 * variable {@code HEADEND_HTTP_PORT} overrides the file's {@code http.port}. Every typed getter fails
 * with a {@link ConfigException} naming the setting and the bad value.
 */
public final class Settings {
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** Loads the file (if given) then overlays HEADEND_* variables from {@code env}. */
    public static Settings load(Optional<Path> file, Map<String, String> env) {
        Map<String, String> v = new HashMap<>();
        if (file.isPresent()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file.get())) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("config file " + file.get() + " cannot be read: " + e.getMessage());
            }
            p.forEach((k, val) -> v.put(k.toString().trim(), val.toString().trim()));
        }
        env.forEach((k, val) -> {
            if (k.startsWith("HEADEND_")) v.put(envToKey(k), val);
        });
        return new Settings(v);
    }

    /** {@code HEADEND_HTTP_PORT} → {@code http.port}; {@code HEADEND_DB_URL} → {@code db.url}. */
    static String envToKey(String env) {
        return env.substring("HEADEND_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@code db.connect.timeout} → {@code HEADEND_DB_CONNECT_TIMEOUT}, for messages. */
    public static String envName(String key) {
        return "HEADEND_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public Settings with(String key, String value) {
        Map<String, String> v = new HashMap<>(values);
        if (value == null) v.remove(key); else v.put(key, value);
        return new Settings(v);
    }

    public Optional<String> get(String key) {
        String s = values.get(key);
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    public String string(String key, String dflt) {
        return get(key).orElse(dflt);
    }

    public int integer(String key, int dflt, int min, int max) {
        int v = get(key).map(s -> parse(key, s, Integer::parseInt, "a whole number")).orElse(dflt);
        if (v < min || v > max) throw new ConfigException(key + " must be between " + min + " and " + max + " (was " + v + ")");
        return v;
    }

    public Duration duration(String key, Duration dflt) {
        Duration d = get(key).map(s -> parse(key, s, Settings::parseDuration, "a duration like 30s, 500ms, 5m or PT30S")).orElse(dflt);
        if (d.isNegative()) throw new ConfigException(key + " must not be negative (was " + d + ")");
        return d;
    }

    public LocalTime localTime(String key, LocalTime dflt) {
        return get(key).map(s -> parse(key, s, LocalTime::parse, "a local time like 01:00")).orElse(dflt);
    }

    public ZoneId zone(String key, ZoneId dflt) {
        return get(key).map(s -> parse(key, s, ZoneId::of, "a time zone like Europe/Brussels")).orElse(dflt);
    }

    public boolean bool(String key, boolean dflt) {
        return get(key).map(s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(key + " must be true or false (was " + s + ")");
        }).orElse(dflt);
    }

    /** Names of the settings present, for start-up logging (values are not printed: some are secrets). */
    public TreeSet<String> names() {
        return new TreeSet<>(values.keySet());
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) return Duration.parse(t.toUpperCase(Locale.ROOT));
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
        if (i == 0) throw new IllegalArgumentException(s);
        double n = Double.parseDouble(t.substring(0, i));
        String unit = t.substring(i).trim();
        double ms = switch (unit) {
            case "ms" -> n;
            case "s", "" -> n * 1000;
            case "m", "min" -> n * 60_000;
            case "h" -> n * 3_600_000;
            case "d" -> n * 86_400_000;
            default -> throw new IllegalArgumentException(s);
        };
        return Duration.ofMillis(Math.round(ms));
    }

    private interface Parser<T> {
        T parse(String s) throws Exception;
    }

    private static <T> T parse(String key, String s, Parser<T> p, String expected) {
        try {
            return p.parse(s.trim());
        } catch (Exception e) {
            throw new ConfigException(key + " must be " + expected + " (was " + s + ")");
        }
    }
}
