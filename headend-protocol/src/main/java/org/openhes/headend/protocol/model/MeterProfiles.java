package org.openhes.headend.protocol.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The meter profiles a head-end knows: the shipped ones (resources under
 * {@code org/openhes/headend/protocol/profiles/}, {@code emucs} the default) and any {@code *.profile}
 * file of a directory, so that a new meter type is onboarded without a release. The file format is
 * Java properties, one key per line, documented in {@code docs/meter-profiles.md}; {@code base = emucs}
 * takes every key a file does not give from another profile. A bad file fails naming the file, the key
 * and the value.
 */
public final class MeterProfiles {
    /** The IDIS load profile, for files written before the key existed. */
    static final String DEFAULT_LOAD_PROFILE = "1-0:99.1.0.255";
    /** The IDIS alarm push setup, for files written before the key existed. */
    static final String DEFAULT_PUSH_SETUP = "0-4:25.9.0.255";
    /** The security setup of the management association (IDIS, DLMS UA), for files written before the key existed. */
    static final String DEFAULT_SECURITY_SETUP = "0-0:43.0.0.255";
    /** The profiles shipped in the jar. */
    static final List<String> SHIPPED = List.of("emucs");
    static final List<String> KEYS = List.of("name", "description", "base", "index.registers", "daily.profile",
            "daily.profile.access", "load.profile", "clock", "disconnector", "limiter", "limiter.monitored.value", "message",
            "message.max.length", "gas.index", "invocation.counter", "public.client.sap", "tariff", "association", "gas.valve",
            "push.setup", "event.log.standard", "event.log.disconnector", "event.log.power.failure", "alarm.register",
            "alarm.register.clear", "security.setup");
    private static final Pattern OBIS = Pattern.compile("(\\d{1,3})-(\\d{1,3}):(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static volatile MeterProfiles builtIn;

    private final Map<String, MeterProfile> byName;

    private MeterProfiles(Map<String, MeterProfile> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** The shipped profiles only. */
    public static MeterProfiles builtIn() {
        MeterProfiles b = builtIn;
        if (b == null) {
            Map<String, MeterProfile> m = new LinkedHashMap<>();
            for (String name : SHIPPED) m.put(name, parse("shipped profile " + name, shipped(name), m));
            builtIn = b = new MeterProfiles(m);
        }
        return b;
    }

    /** The shipped profiles and every {@code *.profile} file of {@code dir} (null: the shipped ones only). */
    public static MeterProfiles load(Path dir) {
        if (dir == null) return builtIn();
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("meter profile directory " + dir + " does not exist");
        Map<String, MeterProfile> m = new LinkedHashMap<>(builtIn().byName);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.profile")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list meter profiles in " + dir, e);
        }
        files.sort(null);
        // a file may name a base defined in another file: take them in rounds until none is left
        List<Path> left = new ArrayList<>(files);
        while (!left.isEmpty()) {
            int before = left.size();
            for (var it = left.iterator(); it.hasNext(); ) {
                Path f = it.next();
                Properties p = read(f);
                String base = p.getProperty("base");
                if (base != null && !m.containsKey(base.trim()) && baseIsAmong(base.trim(), left)) continue;
                MeterProfile profile = parse(f.toString(), p, m);
                m.put(profile.name(), profile);
                it.remove();
            }
            if (left.size() == before) {
                throw new IllegalArgumentException("meter profiles " + left + " name each other as base");
            }
        }
        return new MeterProfiles(m);
    }

    private static boolean baseIsAmong(String base, List<Path> files) {
        for (Path f : files) if (nameOf(f).equals(base)) return true;
        return false;
    }

    private static String nameOf(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.length() - ".profile".length());
    }

    /** Parses one profile from properties text (e.g. a file written by {@code headend inspect}). */
    public static MeterProfile parse(String source, String text) {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(source, p, builtIn().byName);
    }

    /** The profile of that name, or an error listing the known ones. */
    public MeterProfile named(String name) {
        String key = name == null || name.isBlank() ? "emucs" : name.trim().toLowerCase(Locale.ROOT);
        MeterProfile p = byName.get(key);
        if (p == null) throw new IllegalArgumentException("unknown meter profile " + name + " (known: " + String.join(", ", names()) + ")");
        return p;
    }

    public boolean knows(String name) {
        return name != null && byName.containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    private static Properties shipped(String name) {
        String resource = "/org/openhes/headend/protocol/profiles/" + name + ".profile";
        try (InputStream in = MeterProfiles.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("shipped meter profile " + resource + " is missing from the jar");
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read meter profile " + f, e);
        }
        if (!p.containsKey("name")) p.setProperty("name", nameOf(f));
        return p;
    }

    private static MeterProfile parse(String source, Properties p, Map<String, MeterProfile> known) {
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(source + ": unknown key " + k + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String baseName = p.getProperty("base");
        MeterProfile base = null;
        if (baseName != null) {
            base = known.get(baseName.trim().toLowerCase(Locale.ROOT));
            if (base == null) throw new IllegalArgumentException(source + ": base " + baseName.trim() + " is not a known profile");
        }
        Fields f = new Fields(source, p, base);
        String name = f.text("name", null).toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(source + ": name must be letters, digits, '.', '_' or '-' (was " + name + ")");
        }
        return new MeterProfile(name,
                f.text("description", base == null ? "" : base.description()),
                f.obisList("index.registers", base == null ? null : base.indexRegisters()),
                f.obis("daily.profile", base == null ? null : base.dailyProfile()),
                f.access("daily.profile.access", base == null ? null : base.dailyProfileAccess()),
                f.obis("clock", base == null ? null : base.clock()),
                f.obis("disconnector", base == null ? null : base.disconnector()),
                f.obis("limiter", base == null ? null : base.limiter()),
                f.obis("limiter.monitored.value", base == null ? null : base.activePower()),
                f.obis("message", base == null ? null : base.message()),
                f.integer("message.max.length", base == null ? null : base.messageMaxLength(), 1, 1024),
                f.obis("gas.index", base == null ? null : base.gasIndex()),
                f.obis("invocation.counter", base == null ? null : base.invocationCounter()),
                f.integer("public.client.sap", base == null ? null : base.publicClientSap(), 1, 127),
                f.obis("tariff", base == null ? null : base.tariff()),
                f.obis("association", base == null ? null : base.association()),
                f.obis("gas.valve", base == null ? null : base.gasValve()),
                f.obis("load.profile", base == null ? DEFAULT_LOAD_PROFILE : base.loadProfile()),
                f.obis("push.setup", base == null ? DEFAULT_PUSH_SETUP : base.pushSetup()),
                logs(f, base == null ? MeterLogs.IDIS : base.logs()),
                f.obis("security.setup", base == null ? DEFAULT_SECURITY_SETUP : base.securitySetup()));
    }

    private static MeterLogs logs(Fields f, MeterLogs base) {
        return new MeterLogs(f.obis("event.log.standard", base.standardEventLog()),
                f.obis("event.log.disconnector", base.disconnectorControlLog()),
                f.obis("event.log.power.failure", base.powerFailureLog()),
                f.obis("alarm.register", base.alarmRegister()),
                f.bool("alarm.register.clear", base.clearAlarmRegister()));
    }

    /** Reads typed values from the properties, falling back to the base profile; errors name the key. */
    private record Fields(String source, Properties p, MeterProfile base) {
        String text(String key, String fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                if (fallback != null) return fallback;
                throw new IllegalArgumentException(source + ": " + key + " is missing");
            }
            return v.trim();
        }

        String obis(String key, String fallback) {
            String v = text(key, fallback);
            var m = OBIS.matcher(v);
            boolean ok = m.matches();
            for (int g = 1; ok && g <= 6; g++) ok = Integer.parseInt(m.group(g)) <= 255;
            if (!ok) throw new IllegalArgumentException(source + ": " + key + " must be an OBIS code such as 1-0:1.8.1.255 (was " + v + ")");
            return v;
        }

        List<String> obisList(String key, List<String> fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                if (fallback != null) return fallback;
                throw new IllegalArgumentException(source + ": " + key + " is missing");
            }
            List<String> out = new ArrayList<>();
            for (String part : Arrays.asList(v.split(","))) {
                Properties one = new Properties();
                one.setProperty(key, part.trim());
                out.add(new Fields(source, one, null).obis(key, null));
            }
            if (out.isEmpty() || out.size() > 8) throw new IllegalArgumentException(source + ": " + key + " must list 1 to 8 registers (was " + v + ")");
            return out;
        }

        int integer(String key, Integer fallback, int min, int max) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                if (fallback != null) return fallback;
                throw new IllegalArgumentException(source + ": " + key + " is missing");
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(source + ": " + key + " must be an integer from " + min + " to " + max + " (was " + v.trim() + ")");
        }

        boolean bool(String key, boolean fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) return fallback;
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(source + ": " + key + " must be true or false (was " + v.trim() + ")");
            };
        }

        ProfileAccess access(String key, ProfileAccess fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                if (fallback != null) return fallback;
                throw new IllegalArgumentException(source + ": " + key + " is missing");
            }
            try {
                return ProfileAccess.valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + key + " must be range or entry (was " + v.trim() + ")");
            }
        }
    }
}
