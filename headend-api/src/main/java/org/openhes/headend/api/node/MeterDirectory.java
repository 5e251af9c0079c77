package org.openhes.headend.api.node;

import java.util.HexFormat;
import java.util.Optional;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.Authentication;
import org.openhes.headend.protocol.model.MeterProfiles;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/** Turns a registered meter and its decrypted secrets into what the protocol layer needs. */
public final class MeterDirectory {
    private final MeterRegistry registry;
    private final KeyVault vault;
    private final byte[] clientSystemTitle;

    private final String groupLabel;
    private final MeterProfiles profiles;

    /**
     * {@code groupLabel}: the meter label whose value is the pool's throttling group (e.g. {@code cell});
     * {@code profiles}: the meter profiles meters are registered with.
     */
    public MeterDirectory(MeterRegistry registry, KeyVault vault, byte[] clientSystemTitle, String groupLabel, MeterProfiles profiles) {
        this.registry = registry;
        this.vault = vault;
        this.clientSystemTitle = clientSystemTitle.clone();
        this.groupLabel = groupLabel;
        this.profiles = profiles;
    }

    /** The labels of a registered meter (empty when unknown). */
    public java.util.Map<String, String> labels(String meterId) {
        return registry.find(meterId).map(Meter::labels).orElse(java.util.Map.of());
    }

    public MeterProfiles profiles() {
        return profiles;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, MeterTarget> prefetched = new java.util.concurrent.ConcurrentHashMap<>();

    /** Loads the targets of a batch of meters in two queries; {@link #target} then takes them from memory once. */
    public void preload(java.util.List<String> meterIds) {
        var meters = registry.findAll(meterIds);
        var secrets = vault.loadAll(meterIds);
        for (var m : meters.values()) {
            prefetched.put(m.id(), target(m, secrets.getOrDefault(m.id(), new MeterSecrets(null, null, null))));
        }
    }

    /** The session target of {@code meterId}, or empty when the meter is unknown. */
    public Optional<MeterTarget> target(String meterId) {
        MeterTarget ready = prefetched.remove(meterId);
        if (ready != null) return Optional.of(ready);
        return registry.find(meterId).map(m -> target(m, vault.load(meterId).orElse(new MeterSecrets(null, null, null))));
    }

    /** The session target of a registered meter with the given secrets (a renewal's pending keys, say). */
    public MeterTarget target(Meter m, MeterSecrets s) {
        Authentication auth = Authentication.parse(m.auth());
        MeterSecurity security = switch (auth) {
            case NONE -> MeterSecurity.none();
            case LOW -> MeterSecurity.low(s.password());
            case HLS_GMAC -> MeterSecurity.hlsGmac(clientSystemTitle, s.ek(), s.ak());
        };
        MeterEndpoint ep = new MeterEndpoint(m.host(), m.port(), Transport.parse(m.transport()), m.clientSap(), m.serverSap(),
                m.hdlcPhysical());
        String group = groupLabel == null ? null : m.labels().get(groupLabel);
        return new MeterTarget(m.id(), ep, security, profiles.named(m.profile()), group == null ? null : groupLabel + "=" + group);
    }

    public String clientSystemTitleHex() {
        return HexFormat.of().withUpperCase().formatHex(clientSystemTitle);
    }
}
