package org.openhes.headend.simulator;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An AARE APDU as a list of its BER fields ({@code 61 len {A1 application-context, A2 result,
 * A3 result-source-diagnostic, ..., BE user-information}}), so that a variant can change one and encode
 * it back with the lengths right.
 *
 * @param fields tag and content of each field, in order
 */
record Aare(List<Field> fields) {
    static final int RESULT = 0xA2, DIAGNOSTIC = 0xA3, USER_INFORMATION = 0xBE;
    /** acse-service-user diagnostic authentication-required. */
    static final int AUTHENTICATION_REQUIRED = 14;
    private static final int ACSE_SERVICE_USER = 0xA1;

    /** One field: its tag and its content (without tag and length). */
    record Field(int tag, byte[] content) {
    }

    /** The AARE's fields, or null when {@code apdu} is not an AARE Gurux would write. */
    static Aare parse(byte[] apdu) {
        if (apdu.length < 2 || (apdu[0] & 0xFF) != 0x61) return null;
        int[] pos = {1};
        int length = length(apdu, pos);
        if (length < 0 || pos[0] + length != apdu.length) return null;
        List<Field> fields = new ArrayList<>();
        while (pos[0] < apdu.length) {
            int tag = apdu[pos[0]++] & 0xFF;
            int len = length(apdu, pos);
            if (len < 0 || pos[0] + len > apdu.length) return null;
            fields.add(new Field(tag, Arrays.copyOfRange(apdu, pos[0], pos[0] + len)));
            pos[0] += len;
        }
        return new Aare(List.copyOf(fields));
    }

    /** association-result accepted (0). */
    boolean accepted() {
        byte[] r = content(RESULT);
        return r != null && r.length == 3 && r[2] == 0;
    }

    /** The result-source-diagnostic's value, or -1. */
    int diagnostic() {
        byte[] d = content(DIAGNOSTIC);
        return d != null && d.length == 5 ? d[4] & 0xFF : -1;
    }

    /** The same AARE with an acse-service-user diagnostic of {@code value}. */
    Aare withDiagnostic(int value) {
        byte[] d = content(DIAGNOSTIC);
        if (d == null || d.length != 5 || (d[0] & 0xFF) != ACSE_SERVICE_USER) return this;
        byte[] changed = d.clone();
        changed[4] = (byte) value;
        return new Aare(fields.stream().map(f -> f.tag() == DIAGNOSTIC ? new Field(DIAGNOSTIC, changed) : f).toList());
    }

    /** The same AARE without the field {@code tag}. */
    Aare without(int tag) {
        return new Aare(fields.stream().filter(f -> f.tag() != tag).toList());
    }

    byte[] encode() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Field f : fields) {
            body.write(f.tag());
            writeLength(body, f.content().length);
            body.writeBytes(f.content());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x61);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private byte[] content(int tag) {
        return fields.stream().filter(f -> f.tag() == tag).map(Field::content).findFirst().orElse(null);
    }

    /** A BER definite length at {@code pos[0]} (short form, or long form of one or two bytes); -1 if neither. */
    private static int length(byte[] b, int[] pos) {
        if (pos[0] >= b.length) return -1;
        int first = b[pos[0]++] & 0xFF;
        if (first < 0x80) return first;
        int n = first & 0x7F;
        if (n < 1 || n > 2 || pos[0] + n > b.length) return -1;
        int v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (b[pos[0]++] & 0xFF);
        return v;
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        }
    }
}
