package org.openhes.headend.protocol.session;

/** DLMS unit codes (IEC 62056-6-2, table of units) to the symbols the API and CLI print. */
final class Units {
    private Units() {
    }

    static String symbol(int code) {
        return switch (code) {
            case 7 -> "s";
            case 9 -> "°C";
            case 13, 14 -> "m3";
            case 27 -> "W";
            case 28 -> "VA";
            case 29 -> "var";
            case 30 -> "Wh";
            case 31 -> "VAh";
            case 32 -> "varh";
            case 33 -> "A";
            case 35 -> "V";
            case 44 -> "Hz";
            case 255, 0 -> "";
            default -> "unit-" + code;
        };
    }
}
