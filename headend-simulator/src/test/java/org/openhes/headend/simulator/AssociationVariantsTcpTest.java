package org.openhes.headend.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openhes.headend.simulator.TestFleets.aareFields;

import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSRegister;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The variants of association and refusal, seen from a plain Gurux client over TCP. */
class AssociationVariantsTcpTest {
    private static final byte[] SERVICE_NOT_ALLOWED = {(byte) 0xD8, 1, 1};
    private static final byte[] SERVICE_NOT_SUPPORTED = {(byte) 0xD8, 2, 2};

    @Test
    void by_default_an_hls_aare_says_authentication_required() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.management(fleet, 0, 10)) {
            Map<Integer, byte[]> aare = aareFields(c.apdu(c.sendAarq()));
            assertThat(aare.get(0xA3)).containsExactly(0xA1, 3, 2, 1, 14);
        }
    }

    @Test
    void an_hls_aare_can_say_null_with_the_challenge_and_the_meter_still_refuses_all_but_pass_3() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("aare-no-auth-required"); WireClient c = WireClient.management(fleet, 0, 10)) {
            byte[] frame = c.sendAarq();
            Map<Integer, byte[]> aare = aareFields(c.apdu(frame));
            assertThat(aare.get(0xA2)).as("accepted").containsExactly(2, 1, 0);
            assertThat(aare.get(0xA3)).as("diagnostic null").containsExactly(0xA1, 3, 2, 1, 0);
            assertThat(aare.get(0xAA)).as("StoC").hasSize(18);
            assertThat(aare).containsKey(0xBE);
            c.parseAare(frame);

            GXDLMSRegister importDay = new GXDLMSRegister("1.0.1.8.1.255");
            assertThat(c.apdu(c.send(c.client.read(importDay, 2)[0]))).containsExactly(SERVICE_NOT_ALLOWED);
            GXDLMSDisconnectControl disconnector = new GXDLMSDisconnectControl("0.0.96.3.10.255");
            assertThat(c.apdu(c.send(c.client.method(disconnector, 1, 0, DataType.INT8)[0]))).containsExactly(SERVICE_NOT_ALLOWED);
            assertThat(fleet.state(0).controlState()).as("the refused disconnect did not run").isEqualTo(MeterState.CONNECTED);

            c.pass3();
            assertThat(((Number) c.read(importDay, 2)).longValue()).isEqualTo(fleet.indexesAt(0, TestFleets.NOW)[0]);
        }
    }

    @Test
    void by_default_a_rejecting_aare_carries_user_information() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.reader(fleet, 0, "wrong")) {
            Map<Integer, byte[]> aare = aareFields(c.apdu(c.sendAarq()));
            assertThat(aare.get(0xA2)).as("rejected-permanent").containsExactly(2, 1, 1);
            assertThat(aare).containsKey(0xBE);
        }
    }

    @Test
    void a_rejecting_aare_can_come_without_user_information() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("aare-reject-without-user-information");
             WireClient wrongPassword = WireClient.reader(fleet, 0, "wrong");
             WireClient wrongMechanism = WireClient.open(fleet, 1);
             WireClient right = WireClient.reader(fleet, 1, fleet.identity(1).password())) {
            byte[] frame = wrongPassword.sendAarq();
            Map<Integer, byte[]> aare = aareFields(wrongPassword.apdu(frame));
            assertThat(aare.get(0xA2)).containsExactly(2, 1, 1);
            assertThat(aare.get(0xA3)).as("authentication-failure").containsExactly(0xA1, 3, 2, 1, 13);
            assertThat(aare).doesNotContainKey(0xBE);
            assertThatThrownBy(() -> wrongPassword.parseAare(frame)).hasMessageContaining("uthentication");

            // the public association (no security) asked for with LLS: a mechanism it does not have
            wrongMechanism.client.setAuthentication(gurux.dlms.enums.Authentication.LOW);
            wrongMechanism.client.setPassword("x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Map<Integer, byte[]> other = aareFields(wrongMechanism.apdu(wrongMechanism.sendAarq()));
            assertThat(other.get(0xA2)).containsExactly(2, 1, 1);
            assertThat(other).doesNotContainKey(0xBE);

            assertThat(aareFields(right.apdu(right.sendAarq()))).as("accepted AAREs keep theirs").containsKey(0xBE);
        }
    }

    @Test
    void without_multiple_references_the_meter_refuses_a_get_with_list() throws Exception {
        GXDLMSClock clock = new GXDLMSClock("0.0.1.0.0.255");
        GXDLMSData name = new GXDLMSData("0.0.42.0.0.255");
        List<Map.Entry<GXDLMSObject, Integer>> both = List.of(Map.entry(clock, 2), Map.entry(name, 2));
        try (SimulatedFleet plain = TestFleets.wrapper(""); WireClient c = WireClient.open(plain, 0)) {
            c.associate();
            assertThat(c.client.getNegotiatedConformance()).contains(Conformance.MULTIPLE_REFERENCES);
        }
        try (SimulatedFleet fleet = TestFleets.wrapper("no-get-with-list"); WireClient c = WireClient.open(fleet, 0)) {
            c.associate();
            assertThat(c.client.getNegotiatedConformance()).doesNotContain(Conformance.MULTIPLE_REFERENCES)
                    .contains(Conformance.GET, Conformance.SELECTIVE_ACCESS);
            c.client.getNegotiatedConformance().add(Conformance.MULTIPLE_REFERENCES); // a client that ignores it
            assertThat(c.apdu(c.send(c.client.readList(both)[0]))).containsExactly(SERVICE_NOT_SUPPORTED);
            assertThat(c.read(name, 2)).as("one GET at a time still works").isEqualTo(("OHS" + fleet.identity(0).serial()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void a_get_with_list_answers_a_denied_item_with_its_data_access_result() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.open(fleet, 0)) {
            c.associate();
            byte[] apdu = c.apdu(c.send(c.client.readList(List.of(
                    Map.entry(new GXDLMSRegister("1.0.1.8.1.255"), 2), Map.entry(new GXDLMSData("0.0.42.0.0.255"), 2)))[0]));
            // get-response-with-list, invoke id, 2 results: read-write-denied for the public client, then the name
            assertThat(Arrays.copyOfRange(apdu, 0, 8)).containsExactly(0xC4, 0x03, apdu[2], 0x02, 0x01, 0x03, 0x00, 0x09);
        }
    }

    @Test
    void a_set_with_list_is_refused_without_writing_anything() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("no-get-with-list"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            c.client.getNegotiatedConformance().add(Conformance.MULTIPLE_REFERENCES);
            GXDLMSData message = new GXDLMSData("0.0.96.13.1.255");
            message.setValue("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            GXDLMSData p1 = new GXDLMSData("0.0.96.13.0.255");
            p1.setValue("there".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] reply = c.send(c.client.writeList(List.of(Map.entry(message, 2), Map.entry(p1, 2)))[0]);
            assertThat(reply).hasSizeGreaterThan(8);
            assertThat(fleet.state(0).message()).isEmpty();
            assertThat(fleet.state(0).p1Message()).isEmpty();
        }
    }

    @Test
    void by_default_wrong_keys_get_an_exception_response() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(TestFleets.config("").wrongKeyMeters(1).build());
             WireClient c = WireClient.management(fleet, 1, 10)) {
            assertThat(c.apdu(c.sendAarq())).startsWith(0xD8, 2, 5); // service-unknown, deciphering-error
        }
    }

    @Test
    void a_meter_can_hang_up_on_wrong_keys() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(TestFleets.config("hangup-on-auth-failure").wrongKeyMeters(1).build());
             WireClient c = WireClient.management(fleet, 1, 10)) {
            c.transportSend(c.client.aarqRequest()[0]);
            assertThat(c.closesWithoutAnswer()).isTrue();
        }
    }

    @Test
    void a_meter_can_hang_up_on_an_invocation_counter_it_has_seen() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("hangup-on-auth-failure")) {
            fleet.state(0).forceInvocationCounter(100);
            try (WireClient c = WireClient.management(fleet, 0, 99)) {
                c.transportSend(c.client.aarqRequest()[0]);
                assertThat(c.closesWithoutAnswer()).isTrue();
            }
            try (WireClient c = WireClient.management(fleet, 0, 100)) {
                c.associate();
                assertThat(c.read(new GXDLMSData("0.0.42.0.0.255"), 2)).isEqualTo(("OHS" + fleet.identity(0).serial()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void a_meter_can_hang_up_when_hls_pass_3_fails() throws Exception {
        try (SimulatedFleet fleet = TestFleets.hdlc("hangup-on-auth-failure"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.parseAare(c.sendAarq());
            c.client.settings().setStoCChallenge(new byte[16]); // answer another challenge than the meter's
            c.transportSend(c.client.getApplicationAssociationRequest()[0]);
            assertThat(c.closesWithoutAnswer()).isTrue();
        }
    }

    @Test
    void exception_responses_go_out_ciphered_in_a_ciphered_association() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("aare-no-auth-required,ciphered-exceptions");
             WireClient c = WireClient.management(fleet, 0, 10)) {
            byte[] aare = c.apdu(c.sendAarq());
            long aareCounter = ByteBuffer.wrap(aareFields(aare).get(0xBE), 5, 4).getInt() & 0xFFFFFFFFL;
            c.parseAare(c.received.get(0));
            byte[] apdu = c.apdu(c.send(c.client.read(new GXDLMSRegister("1.0.1.8.1.255"), 2)[0]));

            assertThat(apdu[0] & 0xFF).isEqualTo(0xD8);
            assertThat(apdu[1] & 0xFF).as("length").isEqualTo(apdu.length - 2).isEqualTo(1 + 4 + 3 + 12);
            assertThat(apdu[2] & 0xFF).as("security control").isEqualTo(0x30);
            long counter = ByteBuffer.wrap(apdu, 3, 4).getInt() & 0xFFFFFFFFL;
            assertThat(counter).isGreaterThan(aareCounter);
            MeterIdentity id = fleet.identity(0);
            byte[] plain = decipher(Arrays.copyOfRange(apdu, 7, apdu.length), counter, c.client.getSourceSystemTitle(),
                    id.encryptionKey(), id.authenticationKey());
            assertThat(plain).containsExactly(SERVICE_NOT_ALLOWED);
        }
    }

    @Test
    void a_refused_get_with_list_is_a_ciphered_exception_after_hls_too() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("no-get-with-list,ciphered-exceptions");
             WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            c.client.getNegotiatedConformance().add(Conformance.MULTIPLE_REFERENCES);
            byte[] apdu = c.apdu(c.send(c.client.readList(List.of(
                    Map.entry(new GXDLMSClock("0.0.1.0.0.255"), 2), Map.entry(new GXDLMSData("0.0.42.0.0.255"), 2)))[0]));
            assertThat(apdu).startsWith(0xD8, 20, 0x30);
            MeterIdentity id = fleet.identity(0);
            long counter = ByteBuffer.wrap(apdu, 3, 4).getInt() & 0xFFFFFFFFL;
            assertThat(decipher(Arrays.copyOfRange(apdu, 7, apdu.length), counter, c.client.getSourceSystemTitle(),
                    id.encryptionKey(), id.authenticationKey())).containsExactly(SERVICE_NOT_SUPPORTED);
        }
    }

    @Test
    void the_public_clients_exceptions_stay_plain() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("no-get-with-list,ciphered-exceptions"); WireClient c = WireClient.open(fleet, 0)) {
            c.associate();
            c.client.getNegotiatedConformance().add(Conformance.MULTIPLE_REFERENCES);
            assertThat(c.apdu(c.send(c.client.readList(List.of(
                    Map.entry(new GXDLMSClock("0.0.1.0.0.255"), 2), Map.entry(new GXDLMSData("0.0.42.0.0.255"), 2)))[0])))
                    .containsExactly(SERVICE_NOT_SUPPORTED);
        }
    }

    /** AES-GCM-128 as a head-end would undo it: IV = the meter's system title and the counter, AAD = SC 30 and AK. */
    static byte[] decipher(byte[] sealed, long counter, byte[] meterTitle, byte[] ek, byte[] ak) throws Exception {
        javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = ByteBuffer.allocate(12).put(meterTitle).putInt((int) counter).array();
        gcm.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(ek, "AES"),
                new javax.crypto.spec.GCMParameterSpec(96, iv));
        gcm.updateAAD(new byte[] {0x30});
        gcm.updateAAD(ak);
        return gcm.doFinal(sealed);
    }
}
