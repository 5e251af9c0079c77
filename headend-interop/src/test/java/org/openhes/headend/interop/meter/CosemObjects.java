package org.openhes.headend.interop.meter;

import java.util.List;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.ObisCode;

/** The meter's object list (besides jDLMS's own association, SAP assignment, LDN and security setup). */
final class CosemObjects {
    static final ObisCode IMPORT_DAY = new ObisCode(1, 0, 1, 8, 1, 255);
    static final ObisCode IMPORT_NIGHT = new ObisCode(1, 0, 1, 8, 2, 255);
    static final ObisCode EXPORT_DAY = new ObisCode(1, 0, 2, 8, 1, 255);
    static final ObisCode EXPORT_NIGHT = new ObisCode(1, 0, 2, 8, 2, 255);
    static final ObisCode ACTIVE_POWER = new ObisCode(1, 0, 1, 7, 0, 255);
    static final ObisCode GAS_INDEX = new ObisCode(0, 1, 24, 2, 1, 255);
    static final ObisCode CLOCK = new ObisCode(0, 0, 1, 0, 0, 255);
    static final ObisCode DAILY_PROFILE = new ObisCode(1, 0, 99, 2, 0, 255);
    static final ObisCode DISCONNECTOR = new ObisCode(0, 0, 96, 3, 10, 255);
    static final ObisCode LIMITER = new ObisCode(0, 0, 17, 0, 0, 255);
    static final ObisCode MESSAGE = new ObisCode(0, 0, 96, 13, 1, 255);
    static final ObisCode INVOCATION_COUNTER = new ObisCode(0, 0, 43, 1, 0, 255);
    static final ObisCode TARIFF = new ObisCode(0, 0, 96, 14, 0, 255);
    static final ObisCode GAS_VALVE = new ObisCode(0, 1, 24, 4, 0, 255);
    static final ObisCode ALARM_PUSH_SETUP = new ObisCode(0, 4, 25, 9, 0, 255);
    static final ObisCode ALARM_REGISTER = new ObisCode(0, 0, 97, 98, 0, 255);
    static final ObisCode DISCONNECTOR_LOG = new ObisCode(0, 0, 99, 98, 2, 255);
    static final ObisCode STANDARD_EVENT_LOG = new ObisCode(0, 0, 99, 98, 0, 255);
    static final ObisCode POWER_FAILURE_LOG = new ObisCode(1, 0, 99, 97, 0, 255);
    /** This meter never loses power: its standard event log and power failure log stay empty. */
    static final List<CaptureObject> STANDARD_EVENT_COLUMNS = List.of(
            new CaptureObject(8, CLOCK, 2, 0), new CaptureObject(1, new ObisCode(0, 0, 96, 11, 0, 255), 2, 0));
    static final List<CaptureObject> POWER_FAILURE_COLUMNS = List.of(
            new CaptureObject(8, CLOCK, 2, 0), new CaptureObject(1, new ObisCode(0, 0, 96, 7, 19, 255), 2, 0));
    /** The script the limiter's actions name (disconnector script table); not an object of this meter. */
    static final ObisCode DISCONNECTOR_SCRIPTS = new ObisCode(0, 0, 10, 0, 106, 255);

    static final int UNIT_WH = 30;
    static final int UNIT_W = 27;
    static final int UNIT_M3 = 13;

    private CosemObjects() {
    }

    static List<CosemInterfaceObject> all(MeterState state, ConsumptionModel model, AccessPolicy policy) {
        MeterTime time = state.time();
        return List.of(
                new RegisterObject(IMPORT_DAY, UNIT_WH, () -> model.indexesAt(time.now()).importDayWh(), policy),
                new RegisterObject(IMPORT_NIGHT, UNIT_WH, () -> model.indexesAt(time.now()).importNightWh(), policy),
                new RegisterObject(EXPORT_DAY, UNIT_WH, () -> model.indexesAt(time.now()).exportDayWh(), policy),
                new RegisterObject(EXPORT_NIGHT, UNIT_WH, () -> model.indexesAt(time.now()).exportNightWh(), policy),
                new RegisterObject(ACTIVE_POWER, UNIT_W, () -> model.activePowerAt(time.now()), policy),
                new GasRegisterObject(GAS_INDEX, model, time, policy),
                new ClockObject(CLOCK, time, policy),
                new ProfileGenericObject(DAILY_PROFILE, new DailyProfileRows(model, time)::rows, DailyProfileRows.COLUMNS, 86_400,
                        DailyProfileRows.ENTRIES, policy),
                new DisconnectControlObject(DISCONNECTOR, state.disconnector(), state.disconnectorLog(), time, policy),
                new ProfileGenericObject(DISCONNECTOR_LOG, state.disconnectorLog()::entries, DisconnectorLog.COLUMNS, 0,
                        DisconnectorLog.ENTRIES, policy),
                new ProfileGenericObject(STANDARD_EVENT_LOG, List::of, STANDARD_EVENT_COLUMNS, 0, 100, policy),
                new ProfileGenericObject(POWER_FAILURE_LOG, List::of, POWER_FAILURE_COLUMNS, 0, 10, policy),
                new DisconnectControlObject(GAS_VALVE, state.gasValve(), policy),
                new LimiterObject(LIMITER, state, policy),
                new MessageObject(MESSAGE, state, policy),
                new InvocationCounterObject(INVOCATION_COUNTER, state.counters(), policy),
                new TariffObject(TARIFF, model, time, policy),
                new PushSetupObject(ALARM_PUSH_SETUP, state.pushSetup(), policy),
                new AlarmRegisterObject(ALARM_REGISTER, state, policy));
    }
}
