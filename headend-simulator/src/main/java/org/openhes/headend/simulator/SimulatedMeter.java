package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSConnectionEventArgs;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.GXUInt16;
import gurux.dlms.enums.AccessMode;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.MethodAccessMode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.SourceDiagnostic;
import gurux.dlms.enums.Security;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSHdlcSetup;
import gurux.dlms.objects.GXDLMSLimiter;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSPushSetup;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import gurux.dlms.objects.enums.AssociationStatus;
import gurux.dlms.objects.enums.ControlMode;
import gurux.dlms.objects.enums.ControlState;
import gurux.dlms.objects.enums.SecurityPolicy;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureServer2;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;

/**
 * One simulated meter's logical device, built for one connection from the meter's compact
 * {@link MeterState}: the Gurux server objects live only as long as the connection.
 * Client SAP 1 = management (HLS5-GMAC, suite 0, authenticated and encrypted), 16 = public (no
 * security: logical device name, invocation counter, clock), 32 = reader (LLS password, read-only).
 * The fleet's {@link MeterVariants} shape the objects here; what they change on the wire is
 * {@link MeterExchange}'s. The management keys are the meter's current ones ({@link MeterState}):
 * a key transfer in one connection (security setup, {@link GlobalKeyTransfer}) applies from the next.
 */
final class SimulatedMeter extends GXDLMSSecureServer2 {
    static final int MANAGEMENT_SAP = 1, PUBLIC_SAP = 16, READER_SAP = 32;

    private final int index;
    private final MeterState state;
    private final SimulatorConfig config;
    private final ConsumptionModel model;
    private final MeterVariants variants;
    private final EnergyEncoding energy;
    private final boolean rejectAssociation;
    private final String password;
    private boolean securityReapplied;
    /** Set by {@link MeterExchange} around a request the meter refuses whole: nothing in it may run. */
    private boolean refuseEverything;
    private boolean pass3Attempted;
    /** The meter's master key: unwraps the keys of a key transfer. */
    private final byte[] masterKey;
    private GXDLMSSecuritySetup security;
    /** A key transfer took in this association: its counters are the old key's (see {@link #afterRequest}). */
    private boolean keysReplaced;
    /** The meter closes the connection instead of answering the request just handled. */
    private boolean hangUpInstead;

    private final GXDLMSData invocationCounter = new GXDLMSData("0.0.43.1.0.255");
    private final GXDLMSRegister[] indexes = {
        new GXDLMSRegister("1.0.1.8.1.255"), new GXDLMSRegister("1.0.1.8.2.255"),
        new GXDLMSRegister("1.0.2.8.1.255"), new GXDLMSRegister("1.0.2.8.2.255")};
    private final GXDLMSRegister activePower = new GXDLMSRegister("1.0.1.7.0.255");
    private final GXDLMSData tariff = new GXDLMSData("0.0.96.14.0.255");
    private final GXDLMSClock clock = new GXDLMSClock("0.0.1.0.0.255");
    private final DailyProfile daily;
    private final LoadProfile load;
    private final EventLogs logs;
    private final GXDLMSDisconnectControl disconnector = new GXDLMSDisconnectControl("0.0.96.3.10.255");
    private final GXDLMSDisconnectControl gasValve = new GXDLMSDisconnectControl("0.1.24.4.0.255");
    private final GXDLMSLimiter limiter = new GXDLMSLimiter("0.0.17.0.0.255");
    private final GXDLMSData message = new GXDLMSData("0.0.96.13.1.255");
    private final GXDLMSData p1Message = new GXDLMSData("0.0.96.13.0.255");
    private final GXDLMSExtendedRegister gas = new GXDLMSExtendedRegister("0.1.24.2.1.255");
    private final GXDLMSData alarms = new GXDLMSData("0.0.97.98.0.255");
    /** The alarm push setup: where {@link SimulatedFleet#pushAlarm(int, long)} sends; kept in the meter state across connections. */
    private final GXDLMSPushSetup pushSetup = new GXDLMSPushSetup("0.4.25.9.0.255");

    SimulatedMeter(MeterIdentity id, MeterState state, SimulatorConfig config, ConsumptionModel model,
                   byte[] realEk, byte[] realAk, boolean rejectAssociation) {
        super(MeterSetup.association("0.0.40.0.2.255", MANAGEMENT_SAP, Authentication.HIGH_GMAC, config.variants()),
                config.transport() == SimTransport.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER);
        this.index = id.index();
        this.state = state;
        this.config = config;
        this.model = model;
        this.variants = config.variants();
        this.energy = EnergyEncoding.of(variants);
        this.rejectAssociation = rejectAssociation;
        this.password = id.password();
        this.masterKey = id.masterKey().clone();
        setMaxReceivePDUSize(MeterSetup.pduSize(variants));
        getCiphering().setSystemTitle(id.systemTitle());
        getCiphering().setBlockCipherKey(realEk);
        getCiphering().setAuthenticationKey(realAk);

        security = new GXDLMSSecuritySetup("0.0.43.0.0.255");
        security.setSecuritySuite(SecuritySuite.SUITE_0);
        security.setSecurityPolicy(EnumSet.of(SecurityPolicy.AUTHENTICATED_REQUEST, SecurityPolicy.ENCRYPTED_REQUEST,
                SecurityPolicy.AUTHENTICATED_RESPONSE, SecurityPolicy.ENCRYPTED_RESPONSE));
        security.setGuek(realEk);
        security.setGak(realAk);
        security.setServerSystemTitle(id.systemTitle());
        getItems().add(security);

        getItems().add(MeterSetup.association("0.0.40.0.1.255", PUBLIC_SAP, Authentication.NONE, variants));
        GXDLMSAssociationLogicalName reader = MeterSetup.association("0.0.40.0.3.255", READER_SAP, Authentication.LOW, variants);
        reader.setSecret(password.getBytes(StandardCharsets.US_ASCII));
        getItems().add(reader);

        invocationCounter.setDataType(2, DataType.UINT32);
        invocationCounter.setValue(new CounterMarker(state.nextInvocationCounter()));
        getItems().add(invocationCounter);
        GXDLMSData ldn = new GXDLMSData("0.0.42.0.0.255");
        ldn.setValue(("OHS" + id.serial()).getBytes(StandardCharsets.US_ASCII));
        getItems().add(ldn);

        for (GXDLMSRegister r : indexes) {
            r.setScaler(energy.multiplier());
            r.setUnit(Unit.ACTIVE_ENERGY);
            r.setDataType(2, energy.type());
            getItems().add(r);
        }
        activePower.setScaler(1);
        activePower.setUnit(Unit.ACTIVE_POWER);
        activePower.setDataType(2, DataType.UINT32);
        getItems().add(activePower);
        tariff.setDataType(2, DataType.UINT8);
        getItems().add(tariff);
        getItems().add(clock);

        daily = new DailyProfile(clock, indexes, variants, energy, config.zone(), t -> model.indexes(index, t));
        getItems().addAll(daily.objects());
        load = new LoadProfile(index, clock, new LoadShape(model, config.zone()), energy, config.zone(),
                variants.has(MeterVariant.Quirk.PROFILE_BY_ENTRY_ONLY));
        getItems().addAll(load.objects());
        logs = new EventLogs(index, state, clock, config.zone(), variants.has(MeterVariant.Quirk.PROFILE_BY_ENTRY_ONLY));
        getItems().addAll(logs.objects());

        disconnector.setControlMode(ControlMode.values()[state.controlMode()]);
        getItems().add(disconnector);
        gasValve.setControlMode(ControlMode.values()[1]); // remote reconnection arms the valve; the customer opens it
        getItems().add(gasValve);

        limiter.setMonitoredValue(activePower);
        limiter.setmonitoredAttributeIndex(2);
        DataType threshold = variants.has(MeterVariant.Quirk.LIMITER_MONITOR_HIDDEN) ? DataType.UINT16 : DataType.UINT32;
        limiter.setDataType(4, threshold);
        limiter.setDataType(5, threshold);
        limiter.setThresholdEmergency(0L);
        getItems().add(limiter);

        message.setDataType(2, DataType.OCTET_STRING);
        p1Message.setDataType(2, DataType.OCTET_STRING);
        getItems().add(message);
        getItems().add(p1Message);
        gas.setScaler(0.001);
        gas.setUnit(Unit.VOLUME_CUBIC_METER);
        gas.setDataType(2, DataType.UINT32);
        getItems().add(gas);
        alarms.setDataType(2, DataType.UINT32);
        alarms.setValue(state.alarmRegister());
        getItems().add(alarms);
        getItems().add(pushSetup);
        if (config.transport() == SimTransport.HDLC) {
            GXDLMSHdlcSetup hdlc = MeterSetup.hdlcSetup(variants);
            // hdlc-small-window: the limits Gurux applies to the client's SNRM
            if (variants.has(MeterVariant.Quirk.HDLC_SMALL_WINDOW)) getSettings().setHdlc(hdlc);
            getItems().add(hdlc);
        }
        // initialize() gives every association the server's conformance, so the server must have the variant's.
        setConformance(MeterSetup.conformance(variants));
        refresh();
        initialize();
    }

    /** The meter's own time, with any offset a set-clock left. */
    Instant now() {
        return config.clock().instant().plusMillis(state.clockOffsetMillis());
    }

    /** Brings every computed value up to date before the objects are read. */
    private void refresh() {
        Instant now = now();
        long[] v = model.indexes(index, now);
        for (int k = 0; k < 4; k++) indexes[k].setValue(energy.raw(v[k]));
        activePower.setValue(250L + (index % 17) * 40);
        tariff.setValue(model.tariff(now));
        load.refresh(now);
        clock.setTime(Date.from(now));
        gas.setValue(model.gasLitres(index, now));
        gas.setCaptureTime(new GXDateTime(Date.from(now)));
        boolean on = state.outputState();
        disconnector.setOutputState(on);
        disconnector.setControlState(ControlState.values()[state.controlState()]);
        gasValve.setOutputState(state.gasValveState() == MeterState.CONNECTED);
        gasValve.setControlState(ControlState.values()[state.gasValveState()]);
        limiter.setThresholdNormal(state.thresholdNormalWatts());
        limiter.setThresholdActive(state.thresholdNormalWatts());
        message.setValue(state.message().getBytes(StandardCharsets.UTF_8));
        p1Message.setValue(state.p1Message().getBytes(StandardCharsets.UTF_8));
        alarms.setValue(state.alarmRegister());
        MeterState.PushSettings push = state.pushSettings();
        if (push != null) {
            pushSetup.setDestination(push.destination());
            pushSetup.setRandomisationStartInterval(push.randomisationSeconds());
            pushSetup.setNumberOfRetries((byte) push.retries());
            pushSetup.setRepetitionDelay(push.repetitionDelaySeconds());
        }
    }

    /**
     * Called after each handled request: the counter the client used becomes unusable, when the request
     * authenticated ({@code authenticated}: not refused as undecipherable).
     */
    void afterRequest(boolean authenticated) {
        if (config.transport() == SimTransport.HDLC && !securityReapplied && getAssignedAssociation() != null) {
            // Gurux picks the association on SNRM, then its SNRM handling forgets the association's keys;
            // assigning it again restores them before the AARQ arrives.
            securityReapplied = true;
            setAssignedAssociation(getAssignedAssociation());
        }
        Object v = invocationCounter.getValue();
        // Gurux replaces the object's value with the counter of each ciphered APDU it accepts; our own
        // marker still being there means no ciphered APDU came in.
        // After a key transfer that restarts the counter, what the old key's association goes on using is not the new key's floor.
        boolean oldKeysCounter = keysReplaced && !variants.has(MeterVariant.Quirk.KEY_CHANGE_KEEPS_COUNTER);
        if (v instanceof Number n && !(v instanceof CounterMarker) && !oldKeysCounter && authenticated) state.acceptedInvocationCounter(n.longValue());
        // Gurux accepts a counter equal to the stored one: storing last+1 makes replays fail.
        invocationCounter.setValue(new CounterMarker(state.nextInvocationCounter()));
    }

    /**
     * {@code aare-no-auth-required}: the management association was asked for and HLS pass 3/4 has not
     * succeeded (yet): nothing but pass 3 may run.
     */
    boolean awaitingPass3() {
        GXDLMSAssociationLogicalName a = getAssignedAssociation();
        return variants.has(MeterVariant.Quirk.AARE_NO_AUTH_REQUIRED) && a != null && a.getClientSAP() == MANAGEMENT_SAP
                && a.getAssociationStatus() != AssociationStatus.ASSOCIATED;
    }

    /** True once HLS pass 3 succeeded (or no HLS was asked for): the association is established. */
    boolean associated() {
        GXDLMSAssociationLogicalName a = getAssignedAssociation();
        return a != null && a.getAssociationStatus() == AssociationStatus.ASSOCIATED;
    }

    /** Whether the association ciphers its APDUs (the AARQ asked for it and was accepted). */
    boolean ciphered() {
        return getCiphering().getSecurity() != Security.NONE;
    }

    /**
     * Called once an AARQ is answered: Gurux sizes its blocks for the glo-ciphering header but not for the
     * system title (1 + 8 bytes) that general-glo-ciphering adds, so its ciphered blocks would pass the
     * negotiated PDU size by that much; the meter leaves room for it.
     */
    void fitBlocksToGeneralCiphering() {
        var s = getSettings();
        if (ciphered() && s.getNegotiatedConformance().contains(Conformance.GENERAL_PROTECTION)) s.setMaxPduSize(s.getMaxPduSize() - 9);
    }

    /** While set, every attribute and method is denied: the request is refused whole and runs nothing. */
    void refuseEverything(boolean refuse) {
        refuseEverything = refuse;
    }

    /** Whether the meter closes the connection instead of answering the last request; clears it. */
    boolean takeHangUp() {
        boolean hangUp = hangUpInstead;
        hangUpInstead = false;
        return hangUp;
    }

    /** Whether the last request was HLS pass 3 (a call of the association's method 1); clears it. */
    boolean takePass3Attempt() {
        boolean attempted = pass3Attempted;
        pass3Attempted = false;
        return attempted;
    }

    private static boolean isPass3(ValueEventArgs e) {
        return e.getTarget() instanceof GXDLMSAssociationLogicalName && e.getIndex() == 1;
    }

    @Override
    protected boolean isTarget(int serverAddress, int clientAddress) {
        for (GXDLMSObject o : getItems().getObjects(ObjectType.ASSOCIATION_LOGICAL_NAME)) {
            GXDLMSAssociationLogicalName a = (GXDLMSAssociationLogicalName) o;
            if (a.getClientSAP() == clientAddress) {
                setAssignedAssociation(a);
                return true;
            }
        }
        return false;
    }

    @Override
    protected SourceDiagnostic onValidateAuthentication(Authentication authentication, byte[] pw) {
        if (rejectAssociation) return SourceDiagnostic.NO_REASON_GIVEN;
        if (authentication == Authentication.LOW) {
            return java.util.Arrays.equals(pw, password.getBytes(StandardCharsets.US_ASCII))
                    ? SourceDiagnostic.NONE : SourceDiagnostic.AUTHENTICATION_FAILURE;
        }
        return SourceDiagnostic.NONE;
    }

    @Override
    protected GXDLMSObject onFindObject(ObjectType objectType, int sn, String ln) {
        // 0-0:40.0.0.255 is "the current association", whichever client SAP opened it.
        if (objectType == ObjectType.ASSOCIATION_LOGICAL_NAME && "0.0.40.0.0.255".equals(ln)) return getAssignedAssociation();
        return null;
    }

    private int clientSap() {
        GXDLMSAssociationLogicalName a = getAssignedAssociation();
        return a == null ? -1 : a.getClientSAP();
    }

    @Override
    public void onPreRead(ValueEventArgs[] args) {
        refresh();
        for (ValueEventArgs e : args) {
            if (e.getError() != ErrorCode.OK) {
                refusedListItem(e);
                continue;
            }
            if (e.getTarget() == daily.object()) daily.onPreRead(e, now(), getSettings());
            if (e.getTarget() == load.object()) load.onPreRead(e, now(), getSettings());
            if (logs.serves(e.getTarget())) logs.onPreRead(e, now(), getSettings());
            // Gurux writes the object list page by page and, when ciphering moves the block boundaries, marks a
            // block as the last one with a page still to come; written whole, it is cut into blocks as bytes.
            if (e.getTarget() instanceof GXDLMSAssociationLogicalName && e.getIndex() == 2) e.setSkipMaxPduSize(true);
        }
    }

    /**
     * A GET-with-list item Gurux already refused (access denied, no such object). Gurux 4.0.47 writes the
     * item's error code where the choice tag belongs, then the value anyway; answering it here makes the
     * item {@code 01 <data-access-result>}: the error code Gurux writes is then 1, the choice
     * data-access-result, and the value is the real result.
     */
    private static void refusedListItem(ValueEventArgs e) {
        int result = e.getError().getValue();
        e.setError(ErrorCode.HARDWARE_FAULT); // value 1: the choice tag data-access-result
        e.setValue(new byte[] {(byte) result});
        e.setByteArray(true);
        e.setHandled(true);
    }

    @Override
    public void onPostRead(ValueEventArgs[] args) {
    }

    @Override
    public void onPreGet(ValueEventArgs[] args) {
        refresh();
    }

    @Override
    public void onPostGet(ValueEventArgs[] args) {
    }

    @Override
    protected void onPreWrite(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            // limiter-monitor-hidden: a strict meter takes a threshold in the attribute's own type only.
            if (e.getTarget() == limiter && (e.getIndex() == 4 || e.getIndex() == 5)
                    && variants.has(MeterVariant.Quirk.LIMITER_MONITOR_HIDDEN) && !(e.getValue() instanceof GXUInt16)) {
                e.setError(ErrorCode.UNMATCHED_TYPE);
                e.setHandled(true);
            }
        }
    }

    @Override
    protected void onPostWrite(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            if (e.getError() != ErrorCode.OK) continue; // refused: nothing was written
            GXDLMSObject t = e.getTarget();
            if (t == limiter && e.getIndex() == 4) {
                Object v = limiter.getThresholdNormal();
                state.thresholdNormalWatts(v instanceof Number n ? n.longValue() : 0);
                state.logControlEvent(now().getEpochSecond(), EventLogs.LIMITER_THRESHOLD_CHANGED);
            } else if (t == alarms && e.getIndex() == 2) {
                state.alarmRegister(alarms.getValue() instanceof Number n ? n.longValue() : 0);
            } else if (t == message && e.getIndex() == 2) {
                state.message(text(message.getValue()));
            } else if (t == p1Message && e.getIndex() == 2) {
                state.p1Message(text(p1Message.getValue()));
            } else if (t == pushSetup && e.getIndex() >= 3 && e.getIndex() <= 7) {
                state.pushSettings(new MeterState.PushSettings(pushSetup.getDestination() == null ? "" : pushSetup.getDestination(),
                        pushSetup.getRandomisationStartInterval(), pushSetup.getNumberOfRetries() & 0xFF, pushSetup.getRepetitionDelay()));
            } else if (t == clock && e.getIndex() == 2) {
                GXDateTime set = clock.getTime();
                long offset = set.getMeterCalendar().getTimeInMillis() - config.clock().millis();
                state.clockOffsetMillis(offset);
            }
        }
        refresh();
    }

    private static String text(Object v) {
        if (v instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        return v == null ? "" : v.toString();
    }

    @Override
    protected void onPreAction(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            if (isPass3(e)) pass3Attempted = true;
            if (e.getTarget() == disconnector) {
                // Gurux's disconnect control has no built-in methods: the meter implements them.
                if (e.getIndex() == 1) state.remoteDisconnect(now().getEpochSecond());
                else if (e.getIndex() == 2) state.remoteReconnect(now().getEpochSecond());
                refresh();
                e.setHandled(true);
            } else if (e.getTarget() == security && e.getIndex() == 2) {
                globalKeyTransfer(e);
            } else if (e.getTarget() == gasValve) {
                if (e.getIndex() == 1) state.closeGasValve();
                else if (e.getIndex() == 2) state.armGasValve();
                refresh();
                e.setHandled(true);
            }
        }
    }

    /**
     * global_key_transfer: all keys unwrapped with the KEK or none applied (other-reason). The answer is
     * ciphered with the current association's keys (they stay in force until it ends, so the client can
     * read it and release); the new keys apply from the next association on.
     */
    private void globalKeyTransfer(ValueEventArgs e) {
        GlobalKeyTransfer.NewKeys keys = GlobalKeyTransfer.unwrap(e.getParameters(), masterKey);
        e.setHandled(true);
        if (keys == null) {
            e.setError(ErrorCode.OTHER_REASON);
            return;
        }
        state.keysChanged(keys.encryptionKey(), keys.authenticationKey(), !variants.has(MeterVariant.Quirk.KEY_CHANGE_KEEPS_COUNTER));
        keysReplaced = true;
        if (state.takeDropLinkAfterKeyTransfer()) hangUpInstead = true;
    }

    @Override
    protected void onPostAction(ValueEventArgs[] args) {
    }

    @Override
    protected void onConnected(GXDLMSConnectionEventArgs connectionInfo) {
    }

    @Override
    protected void onInvalidConnection(GXDLMSConnectionEventArgs connectionInfo) {
    }

    @Override
    protected void onDisconnected(GXDLMSConnectionEventArgs connectionInfo) {
        state.sessionEnded();
    }

    @Override
    protected AccessMode onGetAttributeAccess(ValueEventArgs arg) {
        if (refuseEverything || awaitingPass3()) return AccessMode.NO_ACCESS;
        GXDLMSObject t = arg.getTarget();
        if (t == activePower && variants.has(MeterVariant.Quirk.LIMITER_MONITOR_HIDDEN)) return AccessMode.NO_ACCESS;
        int sap = clientSap();
        if (sap == MANAGEMENT_SAP) return AccessMode.READ_WRITE;
        if (sap == PUBLIC_SAP) {
            boolean open = t == invocationCounter || t == clock || t instanceof GXDLMSAssociationLogicalName
                    || "0.0.42.0.0.255".equals(t.getLogicalName());
            return open ? AccessMode.READ : AccessMode.NO_ACCESS;
        }
        if (sap == READER_SAP) return AccessMode.READ;
        return AccessMode.NO_ACCESS;
    }

    @Override
    protected MethodAccessMode onGetMethodAccess(ValueEventArgs arg) {
        if (refuseEverything || awaitingPass3() && !isPass3(arg)) return MethodAccessMode.NO_ACCESS;
        int sap = clientSap();
        if (sap == MANAGEMENT_SAP) return MethodAccessMode.ACCESS;
        // HLS pass 3 is a method on the association object itself.
        if (arg.getTarget() instanceof GXDLMSAssociationLogicalName) return MethodAccessMode.ACCESS;
        return MethodAccessMode.NO_ACCESS;
    }
}
