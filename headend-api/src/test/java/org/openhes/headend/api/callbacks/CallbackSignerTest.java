package org.openhes.headend.api.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackSignerTest {
    private final CallbackSigner signer = new CallbackSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void a_signature_verifies_only_for_the_same_body_and_time() {
        byte[] body = "{\"id\":\"c1\",\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);
        String sig = signer.sign(1_700_000_000L, body);

        assertThat(sig).startsWith("t=1700000000,v1=").hasSize("t=1700000000,v1=".length() + 64);
        assertThat(signer.verify(sig, body)).isTrue();
        assertThat(signer.verify(sig, "{\"id\":\"c1\",\"status\":\"FAILED\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(signer.verify(sig.replace("t=1700000000", "t=1700000001"), body)).isFalse();
        assertThat(signer.verify("garbage", body)).isFalse();
        assertThat(signer.verify(null, body)).isFalse();
    }

    @Test
    void another_secret_does_not_verify() {
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        CallbackSigner other = new CallbackSigner("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        assertThat(other.verify(signer.sign(1L, body), body)).isFalse();
        assertThat(signer.toString()).doesNotContain("0123456789abcdef");
    }
}
