package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields the xDLMS services share (Green Book, 9.5): invoke-id-and-priority, attribute and method
 * descriptors, selective access, Get-Data-Result, and data that must be masked.
 */
final class ServiceFields {
    private final Masks masks;

    ServiceFields(Masks masks) {
        this.masks = masks;
    }

    static DecodedFrame.Invoke invoke(int b) {
        return new DecodedFrame.Invoke(b & 0x0F, (b & 0x80) != 0 ? "high" : "normal", (b & 0x40) != 0 ? "confirmed" : "unconfirmed");
    }

    /** Long-Invoke-Id-And-Priority (data-notification): 24 bits of id, service class bit 30, priority bit 31. */
    static DecodedFrame.Invoke longInvoke(long v) {
        return new DecodedFrame.Invoke(v & 0xFFFFFF, (v & 0x80000000L) != 0 ? "high" : "normal",
                (v & 0x40000000L) != 0 ? "confirmed" : "unconfirmed");
    }

    static String obis(byte[] b, int p) {
        return (b[p] & 0xFF) + "-" + (b[p + 1] & 0xFF) + ":" + (b[p + 2] & 0xFF) + "." + (b[p + 3] & 0xFF) + "."
                + (b[p + 4] & 0xFF) + "." + (b[p + 5] & 0xFF);
    }

    /** Cosem-Attribute-Descriptor or Cosem-Method-Descriptor: class-id, instance-id, index. */
    static DecodedFrame.Descriptor descriptor(Reader r, String kind) {
        int classId = r.u16("a class id");
        int at = r.pos();
        r.skip(6, "a logical name");
        String obis = obis(r.buffer(), at);
        int id = r.i8(kind.equals("method") ? "a method id" : "an attribute id");
        return new DecodedFrame.Descriptor(kind, classId, DlmsNames.className(classId), obis, id, null);
    }

    /** An attribute descriptor followed by its optional access selection. */
    DecodedFrame.Descriptor attributeWithSelection(Reader r, FrameBuilder fb) {
        DecodedFrame.Descriptor d = descriptor(r, "attribute");
        if (r.u8("the access selection flag") == 0) return d;
        int selector = r.u8("an access selector");
        DataValue parameter = fb.data.read(r);
        return new DecodedFrame.Descriptor(d.kind(), d.classId(), d.className(), d.obis(), d.id(),
                Meanings.selection(d, selector, parameter));
    }

    /** Get-Data-Result: data, or a data-access-result. */
    DecodedFrame.Result getDataResult(Reader r, FrameBuilder fb, boolean secret) {
        int choice = r.u8("a get-data-result");
        if (choice == 0) return new DecodedFrame.Result("success", data(r, fb, secret));
        if (choice == 1) return new DecodedFrame.Result(DlmsNames.dataAccessResult(r.u8("a data-access-result")), null);
        throw new Undecodable(r.pos() - 1, "get-data-result of choice " + choice);
    }

    /** One Data element, masked (its type and size only) when it is a secret. */
    DataValue data(Reader r, FrameBuilder fb, boolean secret) {
        if (!secret) return fb.data.read(r);
        int at = r.pos();
        int tag = r.peek("a data type");
        try {
            fb.data.skip(r);
        } catch (Undecodable damaged) {
            masks.secret(r.buffer(), at, r.end()); // where a damaged secret ends is unknown: all the rest is masked
            throw damaged;
        }
        String type = DlmsNames.dataType(tag);
        if (tag == 9 || tag == 10 || tag == 12) {
            Reader s = new Reader(r.buffer(), at + 1, r.pos());
            long n = s.length("a string's length");
            masks.secret(r.buffer(), s.pos(), r.pos());
            return DataValue.secret(type, n);
        }
        masks.secret(r.buffer(), at, r.pos());
        return DataValue.secret(type, r.pos() - at);
    }

    /** The parameter of the method {@code d} (or the value of the attribute), masked as {@link Secrets} says. */
    DataValue carried(Reader r, FrameBuilder fb, DecodedFrame.Descriptor d) {
        if (Secrets.keyTransfer(d)) {
            int at = r.pos();
            try {
                return secretOctets(r, fb, 0);
            } catch (Undecodable damaged) {
                masks.secret(r.buffer(), at, r.end()); // where the wrapped keys are in damaged data is unknown
                throw damaged;
            }
        }
        return data(r, fb, d != null && Secrets.carried(d));
    }

    /** Containers kept around the secret octet strings of a key transfer: array of structures. */
    static final int SECRET_OCTETS_DEPTH = 2, SECRET_OCTETS_ELEMENTS = 16;

    /**
     * Data whose octet strings are secrets and the rest shown (a key transfer's array of structure {
     * key_id, key_wrapped }); deeper containers, and elements past the first few, are secrets whole.
     */
    private DataValue secretOctets(Reader r, FrameBuilder fb, int depth) {
        int tag = r.peek("a data type");
        boolean container = tag == 1 || tag == 2;
        if (tag == 9 || container && depth >= SECRET_OCTETS_DEPTH) return data(r, fb, true);
        if (!container) return fb.data.read(r);
        r.u8("a data type");
        int n = r.count(tag == 1 ? "an array's element count" : "a structure's element count");
        List<DataValue> elements = new ArrayList<>(Math.min(n, SECRET_OCTETS_ELEMENTS + 1));
        for (int i = 0; i < n; i++) {
            if (i < SECRET_OCTETS_ELEMENTS) elements.add(secretOctets(r, fb, depth + 1));
            else data(r, fb, true);
        }
        if (n > SECRET_OCTETS_ELEMENTS) elements.add(DataValue.notShown(n - SECRET_OCTETS_ELEMENTS, "secret"));
        return DataValue.container(DlmsNames.dataType(tag), elements);
    }

    /** A-XDR SEQUENCE OF Data: the values of a set or the parameters of an action, item by item. */
    void dataList(Reader r, FrameBuilder fb, List<DecodedFrame.Descriptor> about) {
        int n = r.count("a list of data");
        for (int i = 0; i < n; i++) {
            DecodedFrame.Descriptor d = i < about.size() ? about.get(i) : null;
            fb.values.add(Meanings.annotate(d, carried(r, fb, d)));
        }
    }

    /**
     * Raw data of one block (DataBlock-G or DataBlock-SA), appended to the direction's blocks; the first
     * block starts a new transfer. Returns the blocks so far.
     */
    Assembly block(Conversation.Pending p, boolean first, Reader r) {
        long n = r.length("a block's raw data length");
        int from = r.pos();
        r.skip(n, "a block's raw data");
        if (first || p.blocks == null) p.blocks = new Assembly();
        p.blocks.append(r.buffer(), from, r.pos(), masks.current());
        return p.blocks;
    }

    /** Decodes the data of a finished block transfer, masking what it finds in the frames the blocks came from. */
    void whole(Assembly blocks, java.util.function.Consumer<Reader> decode) {
        byte[] b = blocks.bytes();
        masks.within(blocks, () -> decode.accept(Reader.of(b)));
    }
}
