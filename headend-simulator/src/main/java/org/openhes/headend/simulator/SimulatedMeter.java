package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDLMSConnectionEventArgs;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.AccessMode;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.MethodAccessMode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.SourceDiagnostic;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSHdlcSetup;
import gurux.dlms.objects.GXDLMSLimiter;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSPushSetup;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import gurux.dlms.objects.enums.ApplicationContextName;
import gurux.dlms.objects.enums.ControlMode;
import gurux.dlms.objects.enums.ControlState;
import gurux.dlms.objects.enums.SecurityPolicy;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.objects.enums.SortMethod;
import gurux.dlms.secure.GXDLMSSecureServer2;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;

/**
 * One simulated meter's logical device, built for one connection from the meter's compact
 * {@link MeterState}: the Gurux server objects live only as long as the connection.
 * Client SAP 1 = management (HLS5-GMAC, suite 0, authenticated and encrypted), 16 = public (no
 * security: logical device name, invocation counter, clock), 32 = reader (LLS password, read-only).
 */
final class SimulatedMeter extends GXDLMSSecureServer2 {
    static final int MANAGEMENT_SAP = 1, PUBLIC_SAP = 16, READER_SAP = 32;
    /** Daily profile rows kept by the meter. */
    static final int PROFILE_DAYS = 40;

    private final int index;
    private final MeterState state;
    private final SimulatorConfig config;
    private final ConsumptionModel model;
    private final boolean rejectAssociation;
    private final String password;
    private boolean securityReapplied;

    private final GXDLMSData invocationCounter = new GXDLMSData("0.0.43.1.0.255");
    private final GXDLMSRegister[] indexes = {
        new GXDLMSRegister("1.0.1.8.1.255"), new GXDLMSRegister("1.0.1.8.2.255"),
        new GXDLMSRegister("1.0.2.8.1.255"), new GXDLMSRegister("1.0.2.8.2.255")};
    private final GXDLMSRegister activePower = new GXDLMSRegister("1.0.1.7.0.255");
    private final GXDLMSData tariff = new GXDLMSData("0.0.96.14.0.255");
    private final GXDLMSClock clock = new GXDLMSClock("0.0.1.0.0.255");
    private final GXDLMSProfileGeneric daily = new GXDLMSProfileGeneric("1.0.99.2.0.255");
    private final GXDLMSDisconnectControl disconnector = new GXDLMSDisconnectControl("0.0.96.3.10.255");
    private final GXDLMSLimiter limiter = new GXDLMSLimiter("0.0.17.0.0.255");
    private final GXDLMSData message = new GXDLMSData("0.0.96.13.1.255");
    private final GXDLMSData p1Message = new GXDLMSData("0.0.96.13.0.255");
    private final GXDLMSExtendedRegister gas = new GXDLMSExtendedRegister("0.1.24.2.1.255");
    private final GXDLMSData alarms = new GXDLMSData("0.0.97.98.0.255");

    SimulatedMeter(MeterIdentity id, MeterState state, SimulatorConfig config, ConsumptionModel model,
                   byte[] realEk, byte[] realAk, boolean rejectAssociation) {
        super(managementAssociation(), config.transport() == SimTransport.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER);
        this.index = id.index();
        this.state = state;
        this.config = config;
        this.model = model;
        this.rejectAssociation = rejectAssociation;
        this.password = id.password();
        setMaxReceivePDUSize(1024);
        getCiphering().setSystemTitle(id.systemTitle());
        getCiphering().setBlockCipherKey(realEk);
        getCiphering().setAuthenticationKey(realAk);

        GXDLMSSecuritySetup security = new GXDLMSSecuritySetup("0.0.43.0.0.255");
        security.setSecuritySuite(SecuritySuite.SUITE_0);
        security.setSecurityPolicy(EnumSet.of(SecurityPolicy.AUTHENTICATED_REQUEST, SecurityPolicy.ENCRYPTED_REQUEST,
                SecurityPolicy.AUTHENTICATED_RESPONSE, SecurityPolicy.ENCRYPTED_RESPONSE));
        security.setGuek(realEk);
        security.setGak(realAk);
        security.setServerSystemTitle(id.systemTitle());
        getItems().add(security);

        GXDLMSAssociationLogicalName pub = new GXDLMSAssociationLogicalName("0.0.40.0.1.255");
        pub.setClientSAP(PUBLIC_SAP);
        pub.getAuthenticationMechanismName().setMechanismId(Authentication.NONE);
        pub.getXDLMSContextInfo().getConformance().addAll(GXDLMSClient.getInitialConformance(true));
        getItems().add(pub);
        GXDLMSAssociationLogicalName reader = new GXDLMSAssociationLogicalName("0.0.40.0.3.255");
        reader.setClientSAP(READER_SAP);
        reader.getAuthenticationMechanismName().setMechanismId(Authentication.LOW);
        reader.setSecret(password.getBytes(StandardCharsets.US_ASCII));
        reader.getXDLMSContextInfo().getConformance().addAll(GXDLMSClient.getInitialConformance(true));
        getItems().add(reader);

        invocationCounter.setDataType(2, DataType.UINT32);
        invocationCounter.setValue(new CounterMarker(state.nextInvocationCounter()));
        getItems().add(invocationCounter);
        GXDLMSData ldn = new GXDLMSData("0.0.42.0.0.255");
        ldn.setValue(("OHS" + id.serial()).getBytes(StandardCharsets.US_ASCII));
        getItems().add(ldn);

        for (GXDLMSRegister r : indexes) {
            r.setScaler(1);
            r.setUnit(Unit.ACTIVE_ENERGY);
            r.setDataType(2, DataType.UINT32);
            getItems().add(r);
        }
        activePower.setScaler(1);
        activePower.setUnit(Unit.ACTIVE_POWER);
        activePower.setDataType(2, DataType.UINT32);
        getItems().add(activePower);
        tariff.setDataType(2, DataType.UINT8);
        getItems().add(tariff);
        getItems().add(clock);

        daily.addCaptureObject(clock, 2, 0);
        for (GXDLMSRegister r : indexes) daily.addCaptureObject(r, 2, 0);
        daily.setCapturePeriod(0); // a non-zero period would start Gurux's own capture thread
        daily.setSortMethod(SortMethod.FIFO);
        daily.setSortObject(clock);
        daily.setProfileEntries(PROFILE_DAYS);
        getItems().add(daily);

        disconnector.setControlMode(ControlMode.values()[state.controlMode()]);
        getItems().add(disconnector);

        limiter.setMonitoredValue(activePower);
        limiter.setmonitoredAttributeIndex(2);
        limiter.setDataType(4, DataType.UINT32);
        limiter.setDataType(5, DataType.UINT32);
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
        alarms.setValue(0L);
        getItems().add(alarms);
        getItems().add(new GXDLMSPushSetup("0.4.25.9.0.255"));
        if (config.transport() == SimTransport.HDLC) getItems().add(new GXDLMSHdlcSetup());
        refresh();
        initialize();
    }

    private static GXDLMSAssociationLogicalName managementAssociation() {
        GXDLMSAssociationLogicalName mgmt = new GXDLMSAssociationLogicalName("0.0.40.0.2.255");
        mgmt.setClientSAP(MANAGEMENT_SAP);
        mgmt.getAuthenticationMechanismName().setMechanismId(Authentication.HIGH_GMAC);
        mgmt.setSecuritySetupReference("0.0.43.0.0.255");
        mgmt.getApplicationContextName().setContextId(ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING);
        mgmt.getXDLMSContextInfo().getConformance().addAll(GXDLMSClient.getInitialConformance(true));
        return mgmt;
    }

    /** The meter's own time, with any offset a set-clock left. */
    Instant now() {
        return config.clock().instant().plusMillis(state.clockOffsetMillis());
    }

    /** Brings every computed value up to date before the objects are read. */
    private void refresh() {
        Instant now = now();
        long[] v = model.indexes(index, now);
        for (int k = 0; k < 4; k++) indexes[k].setValue(v[k]);
        activePower.setValue(250L + (index % 17) * 40);
        tariff.setValue(model.tariff(now));
        clock.setTime(Date.from(now));
        gas.setValue(model.gasLitres(index, now));
        gas.setCaptureTime(new GXDateTime(Date.from(now)));
        boolean on = state.outputState();
        disconnector.setOutputState(on);
        disconnector.setControlState(ControlState.values()[state.controlState()]);
        limiter.setThresholdNormal(state.thresholdNormalWatts());
        limiter.setThresholdActive(state.thresholdNormalWatts());
        message.setValue(state.message().getBytes(StandardCharsets.UTF_8));
        p1Message.setValue(state.p1Message().getBytes(StandardCharsets.UTF_8));
    }

    /** The past {@value #PROFILE_DAYS} local midnights, oldest first, each with the four indexes. */
    private void fillDailyProfile() {
        daily.clearBuffer();
        Instant now = now();
        LocalDate today = now.atZone(config.zone()).toLocalDate();
        List<Object[]> rows = new ArrayList<>(PROFILE_DAYS);
        for (int d = PROFILE_DAYS - 1; d >= 0; d--) {
            ZonedDateTime midnight = today.minusDays(d).atStartOfDay(config.zone());
            long[] v = model.indexes(index, midnight.toInstant());
            rows.add(new Object[] {new GXDateTime(Date.from(midnight.toInstant())), v[0], v[1], v[2], v[3]});
        }
        daily.addBuffer(rows);
    }

    /** Called after each handled request: the counter the client used becomes unusable. */
    void afterRequest() {
        if (config.transport() == SimTransport.HDLC && !securityReapplied && getAssignedAssociation() != null) {
            // Gurux picks the association on SNRM, then its SNRM handling forgets the association's keys;
            // assigning it again restores them before the AARQ arrives.
            securityReapplied = true;
            setAssignedAssociation(getAssignedAssociation());
        }
        Object v = invocationCounter.getValue();
        // Gurux replaces the object's value with the counter of each ciphered APDU it accepts; our own
        // marker still being there means no ciphered APDU came in.
        if (v instanceof Number n && !(v instanceof CounterMarker)) state.acceptedInvocationCounter(n.longValue());
        // Gurux accepts a counter equal to the stored one: storing last+1 makes replays fail.
        invocationCounter.setValue(new CounterMarker(state.nextInvocationCounter()));
    }

    /** The invocation counter value as the simulator stores it, recognisable after Gurux has run. */
    static final class CounterMarker extends Number {
        private static final long serialVersionUID = 1L;
        private final long value;

        CounterMarker(long value) {
            this.value = value;
        }

        @Override public int intValue() { return (int) value; }
        @Override public long longValue() { return value; }
        @Override public float floatValue() { return value; }
        @Override public double doubleValue() { return value; }
        @Override public String toString() { return Long.toString(value); }
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
            if (e.getTarget() == daily && e.getIndex() == 2) fillDailyProfile();
            if (e.getTarget() == daily && e.getIndex() == 7) daily.setEntriesInUse(PROFILE_DAYS);
        }
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
    }

    @Override
    protected void onPostWrite(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            GXDLMSObject t = e.getTarget();
            if (t == limiter && e.getIndex() == 4) {
                Object v = limiter.getThresholdNormal();
                state.thresholdNormalWatts(v instanceof Number n ? n.longValue() : 0);
            } else if (t == message && e.getIndex() == 2) {
                state.message(text(message.getValue()));
            } else if (t == p1Message && e.getIndex() == 2) {
                state.p1Message(text(p1Message.getValue()));
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
            if (e.getTarget() == disconnector) {
                // Gurux's disconnect control has no built-in methods: the meter implements them.
                if (e.getIndex() == 1) state.remoteDisconnect();
                else if (e.getIndex() == 2) state.remoteReconnect();
                refresh();
                e.setHandled(true);
            }
        }
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
        int sap = clientSap();
        if (sap == MANAGEMENT_SAP) return AccessMode.READ_WRITE;
        GXDLMSObject t = arg.getTarget();
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
        int sap = clientSap();
        if (sap == MANAGEMENT_SAP) return MethodAccessMode.ACCESS;
        // HLS pass 3 is a method on the association object itself.
        if (arg.getTarget() instanceof GXDLMSAssociationLogicalName) return MethodAccessMode.ACCESS;
        return MethodAccessMode.NO_ACCESS;
    }
}
