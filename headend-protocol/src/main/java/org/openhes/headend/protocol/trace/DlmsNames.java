package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.List;

/** The names DLMS/COSEM gives to the numbers of its enumerations (Green Book, Blue Book), for display. */
final class DlmsNames {
    private DlmsNames() {
    }

    static String dataAccessResult(int v) {
        return switch (v) {
            case 0 -> "success";
            case 1 -> "hardware-fault";
            case 2 -> "temporary-failure";
            case 3 -> "read-write-denied";
            case 4 -> "object-undefined";
            case 9 -> "object-class-inconsistent";
            case 11 -> "object-unavailable";
            case 12 -> "type-unmatched";
            case 13 -> "scope-of-access-violated";
            case 14 -> "data-block-unavailable";
            case 15 -> "long-get-aborted";
            case 16 -> "no-long-get-in-progress";
            case 17 -> "long-set-aborted";
            case 18 -> "no-long-set-in-progress";
            case 19 -> "data-block-number-invalid";
            case 250 -> "other-reason";
            default -> "data-access-result " + v;
        };
    }

    static String actionResult(int v) {
        return switch (v) {
            case 15 -> "long-action-aborted";
            case 16 -> "no-long-action-in-progress";
            case 17, 18, 19 -> "action-result " + v;
            default -> dataAccessResult(v).replace("data-access-result", "action-result");
        };
    }

    static String stateError(int v) {
        return switch (v) {
            case 1 -> "service-not-allowed";
            case 2 -> "service-unknown";
            default -> "state-error " + v;
        };
    }

    static String serviceError(int v) {
        return switch (v) {
            case 1 -> "operation-not-possible";
            case 2 -> "service-not-supported";
            case 3 -> "other-reason";
            case 4 -> "pdu-too-long";
            case 5 -> "deciphering-error";
            case 6 -> "invocation-counter-error";
            default -> "service-error " + v;
        };
    }

    /** Confirmed-service-error: the service refused (the choice's tag). */
    static String confirmedService(int v) {
        return switch (v) {
            case 1 -> "initiate-error";
            case 2 -> "get-status";
            case 3 -> "get-name-list";
            case 4 -> "get-variable-attribute";
            case 5 -> "read";
            case 6 -> "write";
            default -> "confirmed-service " + v;
        };
    }

    /** Confirmed-service-error: the ServiceError choice and its value. */
    static String confirmedServiceError(int group, int v) {
        String[] groups = {"application-reference", "hardware-resource", "vde-state-error", "service", "definition",
            "access", "initiate", "load-data-set", "change-scope", "task", "other"};
        String g = group < groups.length ? groups[group] : "service-error-group " + group;
        if (group == 6) {
            String[] initiate = {"other", "dlms-version-too-low", "incompatible-conformance", "pdu-size-too-short", "refused-by-the-VDE-handler"};
            return g + ": " + (v < initiate.length ? initiate[v] : String.valueOf(v));
        }
        return g + ": " + v;
    }

    static String associationResult(int v) {
        return switch (v) {
            case 0 -> "accepted";
            case 1 -> "rejected-permanent";
            case 2 -> "rejected-transient";
            default -> "result " + v;
        };
    }

    /** Result-source-diagnostic: {@code user} is the acse-service-user choice, else acse-service-provider. */
    static String diagnostic(boolean user, int v) {
        if (!user) {
            return switch (v) {
                case 0 -> "null";
                case 1 -> "no-reason-given";
                case 2 -> "no-common-acse-version";
                default -> "acse-service-provider " + v;
            };
        }
        String[] names = {"null", "no-reason-given", "application-context-name-not-supported", "calling-AP-title-not-recognized",
            "calling-AP-invocation-identifier-not-recognized", "calling-AE-qualifier-not-recognized",
            "calling-AE-invocation-identifier-not-recognized", "called-AP-title-not-recognized",
            "called-AP-invocation-identifier-not-recognized", "called-AE-qualifier-not-recognized",
            "called-AE-invocation-identifier-not-recognized", "authentication-mechanism-name-not-recognised",
            "authentication-mechanism-name-required", "authentication-failure", "authentication-required"};
        return v < names.length ? names[v] : "acse-service-user " + v;
    }

    static String applicationContext(int v) {
        return switch (v) {
            case 1 -> "logical-name";
            case 2 -> "short-name";
            case 3 -> "logical-name-with-ciphering";
            case 4 -> "short-name-with-ciphering";
            default -> "application-context " + v;
        };
    }

    static String mechanism(int v) {
        String[] names = {"none", "low", "high", "hls-md5", "hls-sha1", "hls-gmac", "hls-sha256", "hls-ecdsa"};
        return v < names.length ? names[v] : "mechanism " + v;
    }

    static String releaseReason(boolean request, int v) {
        return switch (v) {
            case 0 -> "normal";
            case 1 -> request ? "urgent" : "not-finished";
            case 30 -> "user-defined";
            default -> "reason " + v;
        };
    }

    private static final String[] CONFORMANCE = {"reserved-zero", "general-protection", "general-block-transfer", "read",
        "write", "unconfirmed-write", "delta-value-encoding", "reserved-seven", "attribute0-supported-with-set",
        "priority-mgmt-supported", "attribute0-supported-with-get", "block-transfer-with-get-or-read",
        "block-transfer-with-set-or-write", "block-transfer-with-action", "multiple-references", "information-report",
        "data-notification", "access", "parameterized-access", "get", "set", "selective-access", "event-notification", "action"};

    /** The names of the bits set in a 24-bit conformance block (bit 0 is the most significant). */
    static List<String> conformance(int bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 24; i++) if ((bits & (1 << (23 - i))) != 0) out.add(CONFORMANCE[i]);
        return out;
    }

    static String className(int classId) {
        return switch (classId) {
            case 1 -> "data";
            case 3 -> "register";
            case 4 -> "extended-register";
            case 5 -> "demand-register";
            case 7 -> "profile-generic";
            case 8 -> "clock";
            case 9 -> "script-table";
            case 11 -> "special-days-table";
            case 15 -> "association-ln";
            case 17 -> "sap-assignment";
            case 18 -> "image-transfer";
            case 20 -> "activity-calendar";
            case 21 -> "register-monitor";
            case 22 -> "single-action-schedule";
            case 23 -> "iec-hdlc-setup";
            case 40 -> "push-setup";
            case 41 -> "tcp-udp-setup";
            case 42 -> "ipv4-setup";
            case 45 -> "gprs-modem-setup";
            case 47 -> "gsm-diagnostic";
            case 64 -> "security-setup";
            case 70 -> "disconnect-control";
            case 71 -> "limiter";
            case 72 -> "mbus-client";
            default -> null;
        };
    }

    static String unit(int u) {
        String[] names = {null, "a", "mo", "wk", "d", "h", "min", "s", "°", "°C", "currency", "m", "m/s", "m³", "m³",
            "m³/h", "m³/h", "m³/d", "m³/d", "l", "kg", "N", "Nm", "Pa", "bar", "J", "J/h", "W", "VA", "var", "Wh", "VAh",
            "varh", "A", "C", "V", "V/m", "F", "Ω", "Ωm²/m", "Wb", "T", "A/m", "H", "Hz", "1/(Wh)", "1/(varh)", "1/(VAh)",
            "V²h", "A²h", "kg/s", "S", "K", "1/(V²h)", "1/(A²h)", "1/m³", "%", "Ah"};
        if (u > 0 && u < names.length) return names[u];
        return switch (u) {
            case 254 -> "other";
            case 255 -> "count";
            default -> "unit " + u;
        };
    }

    static String dataType(int tag) {
        return switch (tag) {
            case 0 -> "null-data";
            case 1 -> "array";
            case 2 -> "structure";
            case 3 -> "boolean";
            case 4 -> "bit-string";
            case 5 -> "double-long";
            case 6 -> "double-long-unsigned";
            case 9 -> "octet-string";
            case 10 -> "visible-string";
            case 12 -> "utf8-string";
            case 13 -> "bcd";
            case 15 -> "integer";
            case 16 -> "long";
            case 17 -> "unsigned";
            case 18 -> "long-unsigned";
            case 19 -> "compact-array";
            case 20 -> "long64";
            case 21 -> "long64-unsigned";
            case 22 -> "enum";
            case 23 -> "float32";
            case 24 -> "float64";
            case 25 -> "date-time";
            case 26 -> "date";
            case 27 -> "time";
            case 255 -> "dont-care";
            default -> null;
        };
    }
}
