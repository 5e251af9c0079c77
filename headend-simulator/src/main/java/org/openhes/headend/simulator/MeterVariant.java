package org.openhes.headend.simulator;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One way the simulated meters depart from the simulator's default behaviour, as real meters of some
 * makers do. A fleet carries a set of them ({@link MeterVariants}); {@code ./headend simulate --variant}
 * takes their switch names, comma-separated: {@code aare-no-auth-required,small-pdu=256,scaler=-3}.
 */
public sealed interface MeterVariant permits MeterVariant.Quirk, MeterVariant.SmallPdu, MeterVariant.Scaler {

    /** The name written after {@code --variant}, with its parameter ({@code small-pdu=256}). */
    String switchName();

    /** The variants without a parameter. */
    enum Quirk implements MeterVariant {
        /**
         * {@code aare-no-auth-required}: for HLS5-GMAC the AARE carries the server challenge but diagnostic
         * <i>null</i> instead of <i>authentication-required</i>; the meter still refuses every request but
         * HLS pass 3 (exception-response service-not-allowed / operation-not-possible, {@code D8 01 01})
         * until pass 3/4 succeeded. Seen on the wire against an independent (non-Gurux) DLMS server.
         */
        AARE_NO_AUTH_REQUIRED("aare-no-auth-required"),
        /**
         * {@code aare-reject-without-user-information}: an AARE that rejects the association (wrong LLS
         * password, wrong mechanism, ...) has no user-information field. Landis+Gyr ZCXi120 and ZMXi320 do
         * this (Gurux pull request 23, 2017), which the Green Book allows in places and forbids in others.
         */
        AARE_REJECT_WITHOUT_USER_INFORMATION("aare-reject-without-user-information"),
        /**
         * {@code no-get-with-list}: multiple-references is not in the negotiated conformance, and a GET (or
         * SET, or ACTION) with a list is refused whole, running nothing (exception-response service-unknown /
         * service-not-supported, {@code D8 02 02}). Meters with small or older firmware offer one GET per
         * attribute only.
         */
        NO_GET_WITH_LIST("no-get-with-list"),
        /**
         * {@code hdlc-small-window}: over HDLC, at most 128 bytes of information field and a window of 1
         * both ways, whatever the client proposes in its SNRM: replies come segmented, as from meters
         * behind a serial link or a terminal server (128/1 is also the HDLC default).
         */
        HDLC_SMALL_WINDOW("hdlc-small-window"),
        /**
         * {@code profile-by-entry-only}: the daily profile refuses access by range (selector 1) with the
         * data-access-result <i>other-reason</i> (250) and serves access by entry (selector 2). Some meters
         * implement only entry access for their load profiles; OSGP's adapter met other-reason from a device
         * without the selective access it asked for.
         */
        PROFILE_BY_ENTRY_ONLY("profile-by-entry-only"),
        /**
         * {@code capture-order}: the daily profile's capture objects are clock, an AMR profile status
         * (0-0:96.10.1.255 attribute 2, unsigned), 2.8.2, 1.8.1, 2.8.1, 1.8.2, and the rows follow that
         * order. IDIS and DSMR profiles carry a status column, and makers order the indexes as they please.
         */
        CAPTURE_ORDER("capture-order"),
        /**
         * {@code long64}: the energy registers and the profile's index columns are long64-unsigned instead
         * of double-long-unsigned, as on meters that count in small units (mWh) or never roll over.
         */
        LONG64("long64"),
        /**
         * {@code hangup-on-auth-failure}: the meter closes the TCP connection, with no answer, when it
         * cannot decipher or authenticate an AARQ (wrong keys), when the AARQ's invocation counter is not
         * above the last it accepted, or when HLS pass 3 fails. Many meters do this instead of sending an
         * AARE or an exception-response; the OSGP adapter notes that some devices close the session when the
         * invocation counter is out of sync.
         */
        HANGUP_ON_AUTH_FAILURE("hangup-on-auth-failure"),
        /**
         * {@code ciphered-exceptions}: in a ciphered association, exception-responses go out ciphered:
         * {@code D8}, length, security control {@code 30}, the meter's invocation counter, then the AES-GCM
         * ciphertext of {@code D8 state-error service-error} and a 12-byte tag, under the meter's keys and
         * system title. An independent server does this; Gurux 4.0.47 clients may fail on it.
         */
        CIPHERED_EXCEPTIONS("ciphered-exceptions"),
        /**
         * {@code limiter-monitor-hidden}: the limiter's monitored value (1-0:1.7.0.255) cannot be read
         * (read-write-denied, for every client), the thresholds (limiter attributes 4 and 5) are
         * long-unsigned (UINT16) instead of double-long-unsigned, and a SET of a threshold with another type
         * than long-unsigned is refused with type-unmatched. Strict meters check the type of every SET.
         */
        LIMITER_MONITOR_HIDDEN("limiter-monitor-hidden"),
        /**
         * {@code key-change-keeps-counter}: after a key transfer (security setup, global_key_transfer) the
         * meter keeps the lowest invocation counter it accepts from the client where the old key left it,
         * instead of restarting it at 0 for the new key (the default): the head-end must then go on
         * counting past the old key's counter. Both are met in the field; the Green Book ties the counter
         * to the key, so a restart is the default.
         */
        KEY_CHANGE_KEEPS_COUNTER("key-change-keeps-counter");

        private final String switchName;

        Quirk(String switchName) {
            this.switchName = switchName;
        }

        @Override
        public String switchName() {
            return switchName;
        }
    }

    /**
     * {@code small-pdu=N}: the meter's max receive PDU size (and so the negotiated one) is N bytes, which
     * forces block transfer on every profile or object-list read; every APDU the meter sends, ciphered ones
     * included, fits in N. Low-end and PLC meters negotiate a few hundred bytes.
     *
     * @param bytes the largest APDU the meter takes and sends, 64..65535
     */
    record SmallPdu(int bytes) implements MeterVariant {
        public SmallPdu {
            if (bytes < 64 || bytes > 65535)
                throw new IllegalArgumentException("small-pdu must be between 64 and 65535 bytes (was " + bytes + ")");
        }

        @Override
        public String switchName() {
            return "small-pdu=" + bytes;
        }
    }

    /**
     * {@code scaler=N}: the energy registers (and the daily profile's index columns) have scaler N, unit Wh,
     * and hold the Wh count divided by 10^N, rounded down: {@code raw × 10^N} is the consumption at the
     * meter's resolution. Meters that count kWh have scaler 3 (DLMS has no kWh unit); others count daWh (1)
     * or mWh (-3, which needs {@code long64}: mWh indexes overflow double-long-unsigned).
     *
     * @param exponent the scaler, -3..3
     */
    record Scaler(int exponent) implements MeterVariant {
        public Scaler {
            if (exponent < -3 || exponent > 3)
                throw new IllegalArgumentException("scaler must be between -3 and 3 (was " + exponent + ")");
        }

        @Override
        public String switchName() {
            return "scaler=" + exponent;
        }
    }

    /** Every switch name, as a help text lists them ({@code small-pdu=N, scaler=N} for the parameterised ones). */
    static String known() {
        return Arrays.stream(Quirk.values()).map(Quirk::switchName).collect(Collectors.joining(", "))
                + ", small-pdu=N, scaler=N";
    }

    /** One switch name, e.g. {@code long64} or {@code small-pdu=256}; {@link MeterVariants#parse} takes a list. */
    static MeterVariant parse(String token) {
        String t = token.trim();
        int eq = t.indexOf('=');
        String name = eq < 0 ? t : t.substring(0, eq).trim();
        String value = eq < 0 ? null : t.substring(eq + 1).trim();
        if (name.equals("small-pdu") || name.equals("scaler")) {
            if (value == null || value.isEmpty())
                throw new IllegalArgumentException("variant " + name + " needs a value, e.g. " + name + (name.equals("scaler") ? "=3" : "=256"));
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("variant " + name + " needs a whole number (was " + value + ")");
            }
            return name.equals("scaler") ? new Scaler(n) : new SmallPdu(n);
        }
        for (Quirk q : Quirk.values()) {
            if (q.switchName.equals(name)) {
                if (value != null) throw new IllegalArgumentException("variant " + name + " takes no value (was " + t + ")");
                return q;
            }
        }
        throw new IllegalArgumentException("unknown variant " + t + " (known: " + known() + ")");
    }
}
