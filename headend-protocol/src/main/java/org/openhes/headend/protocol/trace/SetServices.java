package org.openhes.headend.protocol.trace;

import java.util.List;

/** SET-Request and SET-Response in all their forms (normal, datablocks, with-list). */
final class SetServices {
    private final ServiceFields fields;
    private final Conversation conversation;

    SetServices(ServiceFields fields, Conversation conversation) {
        this.fields = fields;
        this.conversation = conversation;
    }

    void request(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("a set-request type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "set-request-normal";
                DecodedFrame.Descriptor d = fields.attributeWithSelection(r, fb);
                fb.descriptors.add(d);
                fb.values.add(Meanings.annotate(d, fields.data(r, fb, Secrets.carried(d))));
            }
            case 2 -> {
                fb.pdu = "set-request-with-first-datablock";
                fb.descriptors.add(fields.attributeWithSelection(r, fb));
                datablock(r, fb, true, false);
            }
            case 3 -> {
                fb.pdu = "set-request-with-datablock";
                datablock(r, fb, false, false);
                return;
            }
            case 4 -> {
                fb.pdu = "set-request-with-list";
                descriptors(r, fb);
                fields.dataList(r, fb, fb.descriptors);
            }
            case 5 -> {
                fb.pdu = "set-request-with-list-and-first-datablock";
                descriptors(r, fb);
                datablock(r, fb, true, true);
            }
            default -> throw new Undecodable(r.pos() - 2, "set-request of type " + type);
        }
        conversation.lastRequest = new Conversation.Request("set", type, List.copyOf(fb.descriptors));
    }

    private void descriptors(Reader r, FrameBuilder fb) {
        int n = r.count("a list of attribute descriptors");
        for (int i = 0; i < n; i++) fb.descriptors.add(fields.attributeWithSelection(r, fb));
    }

    /** DataBlock-SA of a set: the value(s) are decoded once the last block is in. */
    private void datablock(Reader r, FrameBuilder fb, boolean first, boolean withList) {
        boolean last = r.u8("last-block") != 0;
        long number = r.u32("a block number");
        Conversation.Pending p = conversation.pending(true);
        if (first) p.blocksWithList = withList;
        int before = first || p.blocks == null ? 0 : p.blocks.size();
        Assembly blocks = fields.block(p, first, r);
        fb.block = new DecodedFrame.Block(number, last, blocks.size() - before);
        if (!last) return;
        p.blocks = null;
        List<DecodedFrame.Descriptor> about = conversation.lastRequest != null && conversation.lastRequest.service().equals("set")
                && !first ? conversation.lastRequest.descriptors() : fb.descriptors;
        fields.whole(blocks, whole -> {
            if (p.blocksWithList) {
                fields.dataList(whole, fb, about);
            } else {
                DecodedFrame.Descriptor d = about.isEmpty() ? null : about.get(0);
                fb.values.add(Meanings.annotate(d, fields.data(whole, fb, d != null && Secrets.carried(d))));
            }
        });
    }

    void response(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("a set-response type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "set-response-normal";
                result(r, fb);
            }
            case 2 -> {
                fb.pdu = "set-response-datablock";
                fb.block = new DecodedFrame.Block(r.u32("a block number"), false, null);
            }
            case 3 -> {
                fb.pdu = "set-response-last-datablock";
                result(r, fb);
                fb.block = new DecodedFrame.Block(r.u32("a block number"), true, null);
            }
            case 4, 5 -> {
                fb.pdu = type == 4 ? "set-response-last-datablock-with-list" : "set-response-with-list";
                int n = r.count("a list of results");
                for (int i = 0; i < n; i++) result(r, fb);
                if (type == 4) fb.block = new DecodedFrame.Block(r.u32("a block number"), true, null);
            }
            default -> throw new Undecodable(r.pos() - 2, "set-response of type " + type);
        }
    }

    private static void result(Reader r, FrameBuilder fb) {
        fb.results.add(new DecodedFrame.Result(DlmsNames.dataAccessResult(r.u8("a data-access-result")), null));
    }
}
