package org.openhes.headend.scheduler.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The master keys a node holds: the first encrypts every secret it stores, the others only decrypt
 * the records still under them, until {@link KeyVault#rewrap} has moved those to the first. Written
 * as base64 keys one per line in the key file, or comma-separated in {@code HEADEND_MASTER_KEY}: the
 * current key first.
 *
 * <p>Rotation, so that no node ever meets a record it cannot read: (1) add the new key as the second
 * line on every node; (2) once all run with it, move it first; (3) {@code headend keys rewrap}
 * re-encrypts every record under it, in batches, while the nodes run; (4) when {@code headend keys
 * status} shows no record under the old key, remove the old line.
 */
public final class MasterKeyRing {
    private final MasterKey current;
    private final Map<String, MasterKey> byId;

    private MasterKeyRing(List<MasterKey> keys) {
        if (keys.isEmpty()) throw new IllegalArgumentException("no master key given");
        this.current = keys.get(0);
        Map<String, MasterKey> m = new LinkedHashMap<>();
        for (MasterKey k : keys) {
            if (m.putIfAbsent(k.id(), k) != null) throw new IllegalArgumentException("master key " + k.id() + " is given twice");
        }
        this.byId = Map.copyOf(m);
    }

    public static MasterKeyRing of(MasterKey current, MasterKey... previous) {
        List<MasterKey> keys = new ArrayList<>(List.of(current));
        keys.addAll(List.of(previous));
        return new MasterKeyRing(keys);
    }

    /** Base64 keys separated by commas or new lines, the current one first. */
    public static MasterKeyRing parse(String text) {
        List<MasterKey> keys = new ArrayList<>();
        for (String part : text.split("[,\\n]")) {
            if (!part.isBlank()) keys.add(MasterKey.fromBase64(part));
        }
        return new MasterKeyRing(keys);
    }

    /** Reads the key file (one key per line, the current first), or creates one with a new key. */
    public static MasterKeyRing loadOrCreate(Path file) {
        if (!Files.exists(file)) return of(MasterKey.loadOrCreate(file));
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        }
    }

    /** From {@code master.key} when set, else from {@code master.key.file}. */
    public static MasterKeyRing from(String keys, Path file) {
        return keys != null ? parse(keys) : loadOrCreate(file);
    }

    public MasterKey current() {
        return current;
    }

    Optional<MasterKey> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The ids (hash prefixes, never keys) of the keys held, the current first. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        ids.add(current.id());
        for (String id : byId.keySet()) if (!id.equals(current.id())) ids.add(id);
        return ids;
    }

    @Override
    public String toString() {
        return "MasterKeyRing" + ids();
    }
}
