package org.openhes.headend.protocol.trace;

/** The tags of ciphered APDUs (Green Book, 9.5): glo- (global key), ded- (dedicated key), general-. */
final class CipheredTags {
    static final int GENERAL_GLO = 0xDB, GENERAL_DED = 0xDC;

    private CipheredTags() {
    }

    /** The envelope's name, or null when {@code tag} is not a ciphered APDU's. */
    static String name(int tag) {
        return switch (tag) {
            case 0x21 -> "glo-initiate-request";
            case 0x28 -> "glo-initiate-response";
            case 0xC8 -> "glo-get-request";
            case 0xC9 -> "glo-set-request";
            case 0xCA -> "glo-event-notification-request";
            case 0xCB -> "glo-action-request";
            case 0xCC -> "glo-get-response";
            case 0xCD -> "glo-set-response";
            case 0xCF -> "glo-action-response";
            case 0xD0 -> "ded-get-request";
            case 0xD1 -> "ded-set-request";
            case 0xD2 -> "ded-event-notification-request";
            case 0xD3 -> "ded-action-request";
            case 0xD4 -> "ded-get-response";
            case 0xD5 -> "ded-set-response";
            case 0xD7 -> "ded-action-response";
            case GENERAL_GLO -> "general-glo-ciphering";
            case GENERAL_DED -> "general-ded-ciphering";
            default -> null;
        };
    }

    static boolean dedicated(int tag) {
        return tag >= 0xD0 && tag <= 0xD7 || tag == GENERAL_DED;
    }
}
