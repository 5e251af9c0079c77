package org.openhes.headend.interop.meter;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAddress;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;

/** Shared test set-up: a meter at a fixed true time, and short ways to read from it. */
final class MeterFixture {
    /** Saturday 15 March 2025, 11:17:23 in Brussels (CET, day tariff). */
    static final Instant WINTER_MORNING = Instant.parse("2025-03-15T10:17:23Z");

    private MeterFixture() {
    }

    static JdlmsMeter startAt(Instant trueTime) throws IOException {
        return JdlmsMeter.start(MeterSettings.forTests(Clock.fixed(trueTime, ZoneOffset.UTC)));
    }

    static AttributeAddress attr(int classId, ObisCode obis, int attribute) {
        return new AttributeAddress(classId, obis, attribute);
    }

    /** Reads one attribute and insists on success. */
    static DataObject read(DlmsConnection c, int classId, ObisCode obis, int attribute) throws IOException {
        GetResult r = c.get(attr(classId, obis, attribute));
        if (r.getResultCode() != AccessResultCode.SUCCESS) {
            throw new AssertionError("GET " + obis + "/" + attribute + " failed: " + r.getResultCode());
        }
        return r.getResultData();
    }

    static long number(DataObject d) {
        return ((Number) d.getValue()).longValue();
    }

    static List<DataObject> fields(DataObject structure) {
        return structure.getValue();
    }

    /** A number as long, an octet-string as bytes: for comparing structures field by field. */
    static Object numberOrBytes(DataObject d) {
        return d.isNumber() ? (Object) number(d) : d.getValue();
    }
}
