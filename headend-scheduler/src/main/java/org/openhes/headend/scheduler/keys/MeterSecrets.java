package org.openhes.headend.scheduler.keys;

/**
 * A meter's secrets: encryption key, authentication key (16 bytes each, may be null), LLS password
 * (may be null). {@link #toString()} never shows them.
 */
public record MeterSecrets(byte[] ek, byte[] ak, String password) {
    @Override
    public String toString() {
        return "MeterSecrets[ek=" + (ek == null ? "none" : "***") + ", ak=" + (ak == null ? "none" : "***")
                + ", password=" + (password == null ? "none" : "***") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterSecrets m && java.util.Arrays.equals(ek, m.ek) && java.util.Arrays.equals(ak, m.ak)
                && java.util.Objects.equals(password, m.password);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ek) * 31 + java.util.Arrays.hashCode(ak);
    }
}
