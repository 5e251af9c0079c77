package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.Conformance;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSHdlcSetup;
import gurux.dlms.objects.enums.ApplicationContextName;
import java.util.EnumSet;
import java.util.Set;

/** What a simulated meter offers when a client connects: its associations, services, PDU size and HDLC limits. */
final class MeterSetup {
    /** The negotiated PDU size unless {@code small-pdu} says otherwise. */
    static final int DEFAULT_PDU = 1024;
    /** {@code hdlc-small-window}: information field and window, both ways. */
    static final int SMALL_HDLC_INFO = 128, SMALL_HDLC_WINDOW = 1;

    private MeterSetup() {
    }

    static int pduSize(MeterVariants variants) {
        return variants.smallPdu().orElse(DEFAULT_PDU);
    }

    /** One of the meter's associations: its client SAP, mechanism, and the conformance and PDU size it offers. */
    static GXDLMSAssociationLogicalName association(String ln, int clientSap, Authentication mechanism, MeterVariants variants) {
        GXDLMSAssociationLogicalName a = new GXDLMSAssociationLogicalName(ln);
        a.setClientSAP(clientSap);
        a.getAuthenticationMechanismName().setMechanismId(mechanism);
        if (mechanism == Authentication.HIGH_GMAC) {
            a.setSecuritySetupReference("0.0.43.0.0.255");
            a.getApplicationContextName().setContextId(ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING);
        }
        a.getXDLMSContextInfo().getConformance().addAll(conformance(variants));
        // Gurux takes the server's PDU size from the association the client picked.
        int pdu = pduSize(variants);
        a.getXDLMSContextInfo().setMaxReceivePduSize(pdu);
        a.getXDLMSContextInfo().setMaxSendPduSize(pdu);
        return a;
    }

    /** The services the meter offers: Gurux's usual set, without multiple-references for {@code no-get-with-list}. */
    static Set<Conformance> conformance(MeterVariants variants) {
        Set<Conformance> conformance = EnumSet.copyOf(GXDLMSClient.getInitialConformance(true));
        if (variants.has(MeterVariant.Quirk.NO_GET_WITH_LIST)) conformance.remove(Conformance.MULTIPLE_REFERENCES);
        return conformance;
    }

    /** The HDLC setup object, with {@code hdlc-small-window}'s limits. */
    static GXDLMSHdlcSetup hdlcSetup(MeterVariants variants) {
        GXDLMSHdlcSetup hdlc = new GXDLMSHdlcSetup();
        if (variants.has(MeterVariant.Quirk.HDLC_SMALL_WINDOW)) {
            hdlc.setMaximumInfoLengthReceive(SMALL_HDLC_INFO);
            hdlc.setMaximumInfoLengthTransmit(SMALL_HDLC_INFO);
            hdlc.setWindowSizeReceive(SMALL_HDLC_WINDOW);
            hdlc.setWindowSizeTransmit(SMALL_HDLC_WINDOW);
            hdlc.setInactivityTimeout(0); // Gurux's timer runs on the wall clock; the simulator keeps none
        }
        return hdlc;
    }
}
