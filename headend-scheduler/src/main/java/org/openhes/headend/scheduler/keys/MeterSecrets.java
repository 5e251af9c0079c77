package org.openhes.headend.scheduler.keys;

/**
 * A meter's secrets: encryption key, authentication key (16 bytes each, may be null), LLS password
 * (may be null), and the master key (KEK, 16 bytes, may be null) the meter unwraps new keys with.
 * {@link #toString()} never shows them.
 */
public record MeterSecrets(byte[] ek, byte[] ak, String password, byte[] kek) {
    public MeterSecrets(byte[] ek, byte[] ak, String password) {
        this(ek, ak, password, null);
    }

    /** These secrets with other encryption and authentication keys (null: keep that one), the same password and KEK. */
    public MeterSecrets withKeys(byte[] newEk, byte[] newAk) {
        return new MeterSecrets(newEk != null ? newEk : ek, newAk != null ? newAk : ak, password, kek);
    }

    /** Whether the keys used in sessions (ek, ak, password) are the same; the KEK is not compared. */
    public boolean sameSessionKeys(MeterSecrets o) {
        return o != null && java.util.Arrays.equals(ek, o.ek) && java.util.Arrays.equals(ak, o.ak) && java.util.Objects.equals(password, o.password);
    }

    @Override
    public String toString() {
        return "MeterSecrets[ek=" + (ek == null ? "none" : "***") + ", ak=" + (ak == null ? "none" : "***")
                + ", password=" + (password == null ? "none" : "***") + ", kek=" + (kek == null ? "none" : "***") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterSecrets m && java.util.Arrays.equals(ek, m.ek) && java.util.Arrays.equals(ak, m.ak)
                && java.util.Objects.equals(password, m.password) && java.util.Arrays.equals(kek, m.kek);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ek) * 31 + java.util.Arrays.hashCode(ak);
    }
}
