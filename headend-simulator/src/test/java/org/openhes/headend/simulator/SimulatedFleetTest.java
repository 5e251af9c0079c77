package org.openhes.headend.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class SimulatedFleetTest {
    @Test
    void identitiesAreDeterministicValidAndExportedWithoutSurprises() throws Exception {
        try (SimulatedFleet a = SimulatedFleet.start(SimulatorConfig.builder().meters(300).port(0).seed(7).build());
             SimulatedFleet b = SimulatedFleet.start(SimulatorConfig.builder().meters(300).port(0).seed(7).build())) {
            for (int i : new int[] {0, 253, 254, 299}) {
                MeterIdentity x = a.identity(i), y = b.identity(i);
                assertThat(x.ean()).isEqualTo(y.ean()).hasSize(18);
                assertThat(x.encryptionKey()).isEqualTo(y.encryptionKey()).hasSize(16);
                assertThat(x.ean().charAt(17) - '0').isEqualTo(FleetIdentities.gs1CheckDigit(x.ean().substring(0, 17)));
                assertThat(FleetIdentities.indexOf(java.net.InetAddress.getByName(x.host()).getAddress())).isEqualTo(i);
                assertThat(x.toString()).doesNotContain(java.util.HexFormat.of().formatHex(x.encryptionKey()));
            }
            assertThat(a.identity(253).host()).isEqualTo("127.1.0.254");
            assertThat(a.identity(254).host()).isEqualTo("127.1.1.1");
            StringWriter csv = new StringWriter();
            a.exportCsv(csv);
            String[] lines = csv.toString().split("\n");
            assertThat(lines).hasSize(301);
            assertThat(lines[0]).isEqualTo("meter_id,serial,host,port,transport,client_sap,server_sap,auth,system_title,ek,ak,password,profile,labels,kek");
            assertThat(lines[1].split(",")).hasSize(15);
            String kek = java.util.HexFormat.of().withUpperCase().formatHex(a.masterKey(0));
            assertThat(lines[1]).startsWith(a.identity(0).ean() + ",").endsWith(",cell=C0000," + kek);
            assertThat(a.masterKey(0)).hasSize(16).isEqualTo(b.masterKey(0)).isNotEqualTo(a.masterKey(1))
                    .isNotEqualTo(a.identity(0).encryptionKey()).isNotEqualTo(a.identity(0).authenticationKey());
            assertThat(a.identity(0).toString()).doesNotContain(kek).doesNotContain(kek.toLowerCase());
        }
    }

    @Test
    void containersNeedSingleAddressModeAndAnAdvertisedHost() throws Exception {
        assertThatThrownBy(() -> SimulatorConfig.builder().meters(2).allowRemote(true).build())
                .hasMessageContaining("--single-address");
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).singleAddress(true)
                .allowRemote(true).advertiseHost("simulator").build())) {
            assertThat(fleet.identity(2).host()).isEqualTo("simulator");
            int port = fleet.identity(2).port();
            assertThat(port).isNotEqualTo(fleet.identity(1).port());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                assertThat(s.isConnected()).isTrue();
            }
        }
    }

    @Test
    void remoteReconnectStopsAtReadyForReconnectionOnManualMeters() {
        MeterState manual = new MeterState(1), remote = new MeterState(2);
        manual.remoteDisconnect(0);
        remote.remoteDisconnect(0);
        manual.remoteReconnect(0);
        remote.remoteReconnect(0);
        assertThat(manual.controlState()).isEqualTo(MeterState.READY_FOR_RECONNECTION);
        assertThat(manual.outputState()).isFalse();
        manual.pressButton();
        assertThat(manual.outputState()).isTrue();
        assertThat(remote.controlState()).isEqualTo(MeterState.CONNECTED);
    }
}
