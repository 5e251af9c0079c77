package org.openhes.headend.protocol.session;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map.Entry;
import java.util.function.UnaryOperator;
import org.openhes.headend.protocol.model.MeterTarget;

/**
 * The codec ceiling: one complete daily-read session (HLS5-GMAC association, the four registers in
 * one GET-with-list, one daily profile row by range, release) driven synchronously against a meter
 * given as a function from request frame to reply frame — no sockets, no event loop, no pool. The
 * networked figures are compared with this.
 */
public final class CodecLoop {
    private CodecLoop() {
    }

    /** Runs one session; returns the number of index values read (4 + the row's columns). */
    public static int dailyReadSession(MeterTarget target, UnaryOperator<byte[]> meter, long invocationCounter, LocalDate day, ZoneId zone)
            throws Exception {
        var sec = target.security();
        GXDLMSSecureClient c = new GXDLMSSecureClient(true, target.endpoint().clientSap(), target.endpoint().serverSap(),
                gurux.dlms.enums.Authentication.HIGH_GMAC, null, InterfaceType.WRAPPER);
        c.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
        c.getCiphering().setSystemTitle(sec.clientSystemTitle());
        c.getCiphering().setBlockCipherKey(sec.encryptionKey());
        c.getCiphering().setAuthenticationKey(sec.authenticationKey());
        c.getCiphering().setInvocationCounter(invocationCounter);
        GXReplyData r = exchange(c, meter, c.aarqRequest());
        c.parseAareResponse(r.getData());
        r = exchange(c, meter, c.getApplicationAssociationRequest());
        c.parseApplicationAssociationResponse(r.getData());
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        for (String obis : target.profile().indexRegisters()) items.add(new SimpleEntry<>(new GXDLMSRegister(DlmsValues.ln(obis)), 2));
        r = exchange(c, meter, c.readList(items));
        int values = ((List<?>) r.getValue()).size();
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(DlmsValues.ln(target.profile().dailyProfile()));
        pg.addCaptureObject(new GXDLMSClock(DlmsValues.ln(target.profile().clock())), 2, 0);
        for (String obis : target.profile().indexRegisters()) pg.addCaptureObject(new GXDLMSRegister(DlmsValues.ln(obis)), 2, 0);
        Date at = Date.from(day.atStartOfDay(zone).toInstant());
        r = exchange(c, meter, c.readRowsByRange(pg, at, at));
        c.updateValue(pg, 2, r.getValue());
        values += pg.getBuffer().length == 0 ? 0 : ((Object[]) pg.getBuffer()[0]).length;
        exchange(c, meter, c.releaseRequest());
        return values;
    }

    private static GXReplyData exchange(GXDLMSSecureClient c, UnaryOperator<byte[]> meter, byte[][] frames) throws Exception {
        GXReplyData reply = new GXReplyData();
        for (byte[] f : frames) {
            reply.clear();
            byte[] frame = f;
            while (true) {
                byte[] answer = meter.apply(frame);
                c.getData(new GXByteBuffer(answer), reply, new GXReplyData());
                if (!reply.isMoreData()) break;
                frame = c.receiverReady(reply);
            }
        }
        if (reply.getError() != 0) throw new IllegalStateException("meter error " + reply.getError());
        return reply;
    }

}
