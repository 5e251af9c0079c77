package org.openhes.headend.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The variants a fleet's meters all play, checked for conflicts when built: one value per parameterised
 * variant, and {@code scaler=-3} only with {@code long64}. (Whether the transport suits them is checked by
 * {@link SimulatorConfig}.) Immutable; {@link #toString()} gives the switch names back.
 */
public final class MeterVariants implements Iterable<MeterVariant> {
    /** The simulator's default behaviour. */
    public static final MeterVariants NONE = new MeterVariants(List.of());

    private final Set<MeterVariant> variants;
    // asked on every request of a session: worked out once
    private final OptionalInt smallPdu;
    private final int scaler;

    private MeterVariants(List<MeterVariant> list) {
        Set<MeterVariant> set = new LinkedHashSet<>(list);
        requireOne(set, MeterVariant.SmallPdu.class, "small-pdu");
        requireOne(set, MeterVariant.Scaler.class, "scaler");
        for (MeterVariant v : set) {
            if (v instanceof MeterVariant.Scaler s && s.exponent() < -2 && !set.contains(MeterVariant.Quirk.LONG64))
                throw new IllegalArgumentException("variant " + s.switchName()
                        + " needs long64: mWh indexes overflow double-long-unsigned (add long64)");
        }
        this.variants = Collections.unmodifiableSet(set);
        this.smallPdu = set.stream().filter(v -> v instanceof MeterVariant.SmallPdu)
                .mapToInt(v -> ((MeterVariant.SmallPdu) v).bytes()).findFirst();
        this.scaler = set.stream().filter(v -> v instanceof MeterVariant.Scaler)
                .mapToInt(v -> ((MeterVariant.Scaler) v).exponent()).findFirst().orElse(0);
    }

    private static void requireOne(Set<MeterVariant> set, Class<? extends MeterVariant> kind, String name) {
        List<String> values = set.stream().filter(kind::isInstance).map(MeterVariant::switchName).toList();
        if (values.size() > 1) throw new IllegalArgumentException("variants " + String.join(" and ", values) + " conflict: give one " + name);
    }

    public static MeterVariants of(MeterVariant... variants) {
        return new MeterVariants(List.of(variants));
    }

    public static MeterVariants of(List<MeterVariant> variants) {
        return new MeterVariants(List.copyOf(variants));
    }

    /**
     * Parses switch names, comma-separated ({@code aare-no-auth-required,small-pdu=256,scaler=-3}); blank
     * is {@link #NONE}. An unknown name fails naming it and listing the known ones.
     */
    public static MeterVariants parse(String spec) {
        if (spec == null || spec.isBlank()) return NONE;
        List<MeterVariant> list = new ArrayList<>();
        for (String token : spec.split(",")) {
            if (!token.isBlank()) list.add(MeterVariant.parse(token));
        }
        return new MeterVariants(list);
    }

    public boolean has(MeterVariant.Quirk quirk) {
        return variants.contains(quirk);
    }

    public boolean isEmpty() {
        return variants.isEmpty();
    }

    /** The negotiated PDU size {@code small-pdu} sets, if given. */
    public OptionalInt smallPdu() {
        return smallPdu;
    }

    /** The energy registers' scaler: {@code scaler}'s, or 0. */
    public int scaler() {
        return scaler;
    }

    @Override
    public Iterator<MeterVariant> iterator() {
        return variants.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterVariants other && variants.equals(other.variants);
    }

    @Override
    public int hashCode() {
        return variants.hashCode();
    }

    /** The switch names, comma-separated, as {@link #parse} reads them. */
    @Override
    public String toString() {
        return variants.stream().map(MeterVariant::switchName).collect(Collectors.joining(","));
    }
}
