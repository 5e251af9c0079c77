package org.openhes.headend.scheduler.meters;

/** 18-digit GS1 EAN codes of delivery points, with the mod-10 check digit. */
public final class Ean {
    private Ean() {
    }

    /** The check digit of a 17-digit body: weights 3,1,3,... from the rightmost digit. */
    public static int checkDigit(String body) {
        int sum = 0;
        for (int k = 0; k < body.length(); k++) {
            int d = body.charAt(body.length() - 1 - k) - '0';
            sum += (k % 2 == 0) ? 3 * d : d;
        }
        return (10 - sum % 10) % 10;
    }

    /** Why {@code id} is not a valid EAN-18, or null when it is. */
    public static String problem(String id) {
        if (id == null || !id.matches("[0-9]{18}")) return "meter id must be 18 digits (an EAN)";
        int expected = checkDigit(id.substring(0, 17));
        if (id.charAt(17) - '0' != expected) return "bad EAN check digit (expected " + expected + ")";
        return null;
    }

    public static boolean valid(String id) {
        return problem(id) == null;
    }
}
