package org.openhes.headend.protocol.trace;

/** Data-notification and event-notification-request: what a meter sends without being asked. */
final class Notifications {
    private final ServiceFields fields;

    Notifications(ServiceFields fields) {
        this.fields = fields;
    }

    /** Data-Notification: long-invoke-id-and-priority, date-time (an octet string, maybe empty), body. */
    void dataNotification(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        fb.pdu = "data-notification";
        fb.invoke = ServiceFields.longInvoke(r.u32("a long-invoke-id-and-priority"));
        time(r, fb, r.u8("the date-time's length"));
        fb.values.add(fields.data(r, fb, false));
    }

    /** Event-Notification-Request: optional time, attribute descriptor, value. */
    void eventNotification(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        fb.pdu = "event-notification-request";
        if (r.u8("the time flag") != 0) time(r, fb, r.u8("the time's length"));
        DecodedFrame.Descriptor d = ServiceFields.descriptor(r, "attribute");
        fb.descriptors.add(d);
        fb.values.add(Meanings.annotate(d, fields.data(r, fb, Secrets.carried(d))));
    }

    private static void time(Reader r, FrameBuilder fb, int n) {
        if (n == 0) return;
        int p = r.pos();
        r.skip(n, "a date-time");
        String meaning = n == 12 ? DateTimes.dateTime(r.buffer(), p) : null;
        fb.values.add(new DataValue("octet-string", DataDecoder.hex(r.buffer(), p, n), meaning, null));
    }
}
