package org.openhes.headend.scheduler.meters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MeterSecrets;

/** The meter registry: single upserts, bulk CSV import with a per-line report, lookups. */
public final class MeterRegistry {
    public static final String CSV_HEADER =
            "meter_id,serial,host,port,transport,client_sap,server_sap,auth,system_title,ek,ak,password,profile,labels";
    /** The header with the meter's master key (KEK, for key renewal) as a last column. */
    public static final String CSV_HEADER_WITH_KEK = CSV_HEADER + ",kek";
    private static final int BATCH = 1000;

    private final DataSource ds;
    private final KeyVault vault;
    private final Function<String, String> profileProblem;

    /** A registry that takes any meter profile name. */
    public MeterRegistry(DataSource ds, KeyVault vault) {
        this(ds, vault, name -> null);
    }

    /** {@code profileProblem}: what is wrong with a profile name (null when the head-end knows it). */
    public MeterRegistry(DataSource ds, KeyVault vault, Function<String, String> profileProblem) {
        this.ds = ds;
        this.vault = vault;
        this.profileProblem = profileProblem;
    }

    /** Validates one registration, the meter profile's name included; returns the problem or null. */
    public String validate(Meter m, MeterSecrets s) {
        String p = problem(m, s);
        return p != null ? p : profileProblem.apply(m.profile());
    }

    /** A meter and its secrets, validated. */
    public record Registration(Meter meter, MeterSecrets secrets) {
    }

    /** Validates one registration; returns the problem or null. */
    public static String problem(Meter m, MeterSecrets s) {
        String ean = Ean.problem(m.id());
        if (ean != null) return ean;
        if (m.host() == null || m.host().isBlank()) return "host is required";
        if (m.port() < 1 || m.port() > 65535) return "port out of range (1..65535)";
        if (!m.transport().equals("wrapper") && !m.transport().equals("hdlc")) return "transport must be wrapper or hdlc";
        if (m.clientSap() < 1 || m.clientSap() > 127) return "client_sap out of range (1..127)";
        if (m.serverSap() < 0 || m.serverSap() > 16383) return "server_sap out of range (0..16383)";
        switch (m.auth()) {
            case "none" -> { }
            case "low" -> { if (s.password() == null || s.password().isEmpty()) return "auth low needs a password"; }
            case "hls-gmac" -> {
                if (m.systemTitle() == null || !m.systemTitle().matches("[0-9A-Fa-f]{16}")) return "system_title must be 16 hex digits";
                if (s.ek() == null || s.ek().length != 16) return "ek must be 32 hex digits for hls-gmac";
                if (s.ak() == null || s.ak().length != 16) return "ak must be 32 hex digits for hls-gmac";
                if (s.kek() != null && s.kek().length != 16) return "kek must be 32 hex digits (or empty)";
            }
            default -> { return "auth must be none, low or hls-gmac"; }
        }
        if (!m.status().equals("active") && !m.status().equals("suspended") && !m.status().equals("decommissioned"))
            return "status must be active, suspended or decommissioned";
        return null;
    }

    /**
     * Imports a CSV registry (header {@value #CSV_HEADER}, optionally with a last column {@code kek});
     * good lines are stored, bad ones reported.
     */
    public ImportReport importCsv(Reader in) {
        List<ImportReport.Rejection> rejected = new ArrayList<>();
        List<Registration> batch = new ArrayList<>(BATCH);
        int accepted = 0;
        try (BufferedReader r = new BufferedReader(in)) {
            String header = r.readLine();
            boolean withKek = header != null && header.trim().equals(CSV_HEADER_WITH_KEK);
            if (header == null || !withKek && !header.trim().equals(CSV_HEADER)) {
                rejected.add(new ImportReport.Rejection(1, "header must be " + CSV_HEADER + " (optionally followed by ,kek)"));
                return new ImportReport(0, rejected);
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                try {
                    Registration reg = parseCsvLine(line, withKek);
                    String problem = validate(reg.meter(), reg.secrets());
                    if (problem != null) {
                        rejected.add(new ImportReport.Rejection(n, problem));
                        continue;
                    }
                    batch.add(reg);
                } catch (IllegalArgumentException e) {
                    rejected.add(new ImportReport.Rejection(n, e.getMessage()));
                    continue;
                }
                if (batch.size() == BATCH) {
                    accepted += upsertAll(batch);
                    batch.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the import file", e);
        }
        accepted += upsertAll(batch);
        return new ImportReport(accepted, rejected);
    }

    static Registration parseCsvLine(String line, boolean withKek) {
        String[] f = line.split(",", -1);
        int fields = withKek ? 15 : 14;
        if (f.length != fields) throw new IllegalArgumentException("expected " + fields + " fields, found " + f.length);
        int port = number(f[3], "port"), client = number(f[5], "client_sap"), server = number(f[6], "server_sap");
        Map<String, String> labels = new LinkedHashMap<>();
        if (!f[13].isBlank()) {
            for (String kv : f[13].split(";")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2 || p[0].isBlank()) throw new IllegalArgumentException("labels must look like k=v;k=v");
                labels.put(p[0].trim(), p[1].trim());
            }
        }
        Meter m = new Meter(f[0].trim(), f[1].trim(), f[2].trim(), port, f[4].trim().toLowerCase(), client, server, 0,
                f[7].trim().toLowerCase(), f[8].isBlank() ? null : f[8].trim().toUpperCase(),
                f[12].isBlank() ? "emucs" : f[12].trim(), "active", labels);
        return new Registration(m, new MeterSecrets(hex(f[9], "ek"), hex(f[10], "ak"), f[11].isEmpty() ? null : f[11],
                withKek ? hex(f[14], "kek") : null));
    }

    private static int number(String s, String field) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a number (was " + s + ")");
        }
    }

    private static byte[] hex(String s, String field) {
        if (s.isBlank()) return null;
        try {
            return HexFormat.of().parseHex(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be hexadecimal");
        }
    }

    /** Inserts or updates meters and stores their secrets, in one transaction. */
    public int upsertAll(List<Registration> regs) {
        if (regs.isEmpty()) return 0;
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, hdlc_physical, auth,
                                        system_title, profile, status, labels)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                    ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, host = excluded.host, port = excluded.port,
                        transport = excluded.transport, client_sap = excluded.client_sap, server_sap = excluded.server_sap,
                        hdlc_physical = excluded.hdlc_physical, auth = excluded.auth, system_title = excluded.system_title,
                        profile = excluded.profile, status = excluded.status, labels = excluded.labels, updated_at = now()
                    """)) {
                for (Registration r : regs) {
                    Meter m = r.meter();
                    ps.setString(1, m.id());
                    ps.setString(2, m.serial());
                    ps.setString(3, m.host());
                    ps.setInt(4, m.port());
                    ps.setString(5, m.transport());
                    ps.setInt(6, m.clientSap());
                    ps.setInt(7, m.serverSap());
                    ps.setInt(8, m.hdlcPhysical());
                    ps.setString(9, m.auth());
                    ps.setString(10, m.systemTitle());
                    ps.setString(11, m.profile());
                    ps.setString(12, m.status());
                    ps.setString(13, labelsJson(m.labels()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            vault.storeAll(c, regs.stream().map(r -> Map.entry(r.meter().id(), r.secrets())).toList());
            return null;
        });
        return regs.size();
    }

    static String labelsJson(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : labels.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
            else if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        return sb.append('"').toString();
    }

    private static final String COLUMNS = "id, serial, host, port, transport, client_sap, server_sap, hdlc_physical, auth, "
            + "system_title, profile, status, labels::text";

    /** Several meters in one query, by id. */
    public Map<String, Meter> findAll(List<String> ids) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM meters WHERE id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray(String[]::new)));
                Map<String, Meter> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Meter m = meter(rs);
                        out.put(m.id(), m);
                    }
                }
                return out;
            }
        });
    }

    /** The meter with this system title (16 hex digits), if registered. */
    public Optional<Meter> findBySystemTitle(String systemTitleHex) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM meters WHERE system_title = ? LIMIT 1")) {
                ps.setString(1, systemTitleHex.toUpperCase(java.util.Locale.ROOT));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(meter(rs)) : Optional.<Meter>empty();
                }
            }
        });
    }

    public Optional<Meter> find(String id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM meters WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(meter(rs)) : Optional.<Meter>empty();
                }
            }
        });
    }

    /** Meters by id order after {@code after}; {@code status} and {@code label} ("k=v") filter when not null. */
    public List<Meter> list(String status, String label, int limit, String after) {
        return Sql.tx(ds, c -> {
            String labelJson = null;
            if (label != null) {
                String[] kv = label.split("=", 2);
                if (kv.length != 2) throw new IllegalArgumentException("label filter must be key=value");
                labelJson = labelsJson(Map.of(kv[0], kv[1]));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                     FROM meters
                    WHERE (?::text IS NULL OR status = ?) AND (?::jsonb IS NULL OR labels @> ?::jsonb) AND id > ?
                    ORDER BY id LIMIT ?
                    """)) {
                ps.setString(1, status);
                ps.setString(2, status);
                ps.setString(3, labelJson);
                ps.setString(4, labelJson);
                ps.setString(5, after == null ? "" : after);
                ps.setInt(6, limit);
                List<Meter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(meter(rs));
                }
                return out;
            }
        });
    }

    /**
     * The meters the console's search box finds for {@code q} (trimmed), by id order, at most {@code limit}:
     * the EAN exactly or as a prefix (when q is digits), the serial exactly (ignoring case), the host
     * exactly or as "host:port", or any label value containing q (ignoring case; e.g. an address label).
     * A blank or null q finds nothing.
     */
    public List<Meter> search(String q, int limit) {
        String term = q == null ? "" : q.strip();
        if (term.isEmpty() || limit <= 0) return List.of();
        String idPrefix = term.matches("[0-9]+") ? term + "%" : null;
        String contains = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                     FROM meters
                    WHERE id LIKE ?
                       OR lower(serial) = lower(?)
                       OR host = ? OR host || ':' || port = ?
                       OR EXISTS (SELECT 1 FROM jsonb_each_text(labels) l WHERE l.value ILIKE ? ESCAPE '\\')
                    ORDER BY id LIMIT ?
                    """)) {
                ps.setString(1, idPrefix);
                ps.setString(2, term);
                ps.setString(3, term);
                ps.setString(4, term);
                ps.setString(5, contains);
                ps.setInt(6, limit);
                List<Meter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(meter(rs));
                }
                return out;
            }
        });
    }

    public int count(String status) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM meters WHERE status = ?")) {
                ps.setString(1, status);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static Meter meter(ResultSet rs) throws SQLException {
        return new Meter(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getInt(6),
                rs.getInt(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                parseLabels(rs.getString(13)));
    }

    /** Parses the flat JSON object of string labels PostgreSQL gives back. */
    static Map<String, String> parseLabels(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = json.trim();
        if (s.length() <= 2) return out;
        for (String pair : s.substring(1, s.length() - 1).split(",\\s*(?=\")")) {
            String[] kv = pair.split("\"\\s*:\\s*\"", 2);
            if (kv.length == 2) out.put(kv[0].trim().substring(1), kv[1].substring(0, kv[1].length() - 1));
        }
        return out;
    }
}
