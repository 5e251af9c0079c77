package org.openhes.headend.protocol.trace;

import java.util.List;

/**
 * ACTION-Request and ACTION-Response in all their forms. The HLS exchange is an action (method 1 of the
 * association object): its parameter, f(StoC), and its return, f(CtoS), are masked.
 */
final class ActionServices {
    private final ServiceFields fields;
    private final Conversation conversation;

    ActionServices(ServiceFields fields, Conversation conversation) {
        this.fields = fields;
        this.conversation = conversation;
    }

    void request(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("an action-request type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "action-request-normal";
                DecodedFrame.Descriptor d = ServiceFields.descriptor(r, "method");
                fb.descriptors.add(d);
                if (r.u8("the method parameters flag") != 0) fb.values.add(fields.carried(r, fb, d));
            }
            case 2 -> {
                fb.pdu = "action-request-next-pblock";
                fb.block = new DecodedFrame.Block(r.u32("a block number"), null, null);
                return;
            }
            case 3 -> {
                fb.pdu = "action-request-with-list";
                descriptors(r, fb);
                fields.dataList(r, fb, fb.descriptors);
            }
            case 4, 5 -> {
                fb.pdu = type == 4 ? "action-request-with-first-pblock" : "action-request-with-list-and-first-pblock";
                if (type == 4) fb.descriptors.add(ServiceFields.descriptor(r, "method"));
                else descriptors(r, fb);
                pblock(r, fb, true, type == 5);
            }
            case 6 -> {
                fb.pdu = "action-request-with-pblock";
                pblock(r, fb, false, false);
                return;
            }
            default -> throw new Undecodable(r.pos() - 2, "action-request of type " + type);
        }
        conversation.lastRequest = new Conversation.Request("action", type, List.copyOf(fb.descriptors));
    }

    private void descriptors(Reader r, FrameBuilder fb) {
        int n = r.count("a list of method descriptors");
        for (int i = 0; i < n; i++) fb.descriptors.add(ServiceFields.descriptor(r, "method"));
    }

    /** DataBlock-SA of method parameters: decoded once the last block is in. */
    private void pblock(Reader r, FrameBuilder fb, boolean first, boolean withList) {
        boolean last = r.u8("last-block") != 0;
        long number = r.u32("a block number");
        Conversation.Pending p = conversation.pending(fb.fromClient);
        boolean starts = first || number <= 1;
        if (starts) p.blocksWithList = withList;
        int before = starts || p.blocks == null ? 0 : p.blocks.size();
        Assembly blocks = fields.block(p, starts, r);
        fb.block = new DecodedFrame.Block(number, last, blocks.size() - before);
        if (!last) return;
        p.blocks = null;
        List<DecodedFrame.Descriptor> about = first ? fb.descriptors
                : conversation.lastRequest == null ? List.of() : conversation.lastRequest.descriptors();
        boolean list = p.blocksWithList;
        fields.whole(blocks, whole -> {
            if (list) {
                fields.dataList(whole, fb, about);
            } else {
                if (!about.isEmpty() && fb.fromClient && Secrets.keyTransfer(about.get(0))) {
                    fb.values.add(fields.carried(whole, fb, about.get(0)));
                    return;
                }
                boolean secret = about.isEmpty() ? fb.step().startsWith("associate") : secret(about.get(0), fb.fromClient);
                fb.values.add(fields.data(whole, fb, secret));
            }
        });
    }

    void response(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("an action-response type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "action-response-normal";
                result(r, fb, 0);
            }
            case 2 -> {
                fb.pdu = "action-response-with-pblock";
                pblock(r, fb, false, false);
            }
            case 3 -> {
                fb.pdu = "action-response-with-list";
                int n = r.count("a list of action results");
                for (int i = 0; i < n; i++) result(r, fb, i);
            }
            case 4 -> {
                fb.pdu = "action-response-next-pblock";
                fb.block = new DecodedFrame.Block(r.u32("a block number"), null, null);
            }
            default -> throw new Undecodable(r.pos() - 2, "action-response of type " + type);
        }
    }

    /** Action-Response-With-Optional-Data: the action-result, then optional return parameters. */
    private void result(Reader r, FrameBuilder fb, int i) {
        String outcome = DlmsNames.actionResult(r.u8("an action-result"));
        DataValue data = null;
        if (r.more() && r.u8("the return parameters flag") != 0) {
            DecodedFrame.Descriptor d = asked(i);
            // without its request (a trace cut short), an answer during association is taken for HLS pass 4
            boolean secret = d == null ? fb.step().startsWith("associate") : Secrets.returned(d);
            DecodedFrame.Result returned = fields.getDataResult(r, fb, secret);
            if (!returned.outcome().equals("success")) outcome += ", return " + returned.outcome();
            data = returned.data();
        }
        fb.results.add(new DecodedFrame.Result(outcome, data));
    }

    private static boolean secret(DecodedFrame.Descriptor d, boolean fromClient) {
        return fromClient ? Secrets.carried(d) : Secrets.returned(d);
    }

    private DecodedFrame.Descriptor asked(int i) {
        Conversation.Request q = conversation.lastRequest;
        if (q == null || !q.service().equals("action") || i >= q.descriptors().size()) return null;
        return q.descriptors().get(i);
    }
}
