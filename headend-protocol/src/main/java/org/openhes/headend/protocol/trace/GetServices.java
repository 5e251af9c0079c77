package org.openhes.headend.protocol.trace;

import java.util.List;

/** GET-Request and GET-Response in all their forms (normal, next / with-datablock, with-list). */
final class GetServices {
    private final ServiceFields fields;
    private final Conversation conversation;

    GetServices(ServiceFields fields, Conversation conversation) {
        this.fields = fields;
        this.conversation = conversation;
    }

    void request(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("a get-request type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "get-request-normal";
                fb.descriptors.add(fields.attributeWithSelection(r, fb));
            }
            case 2 -> {
                fb.pdu = "get-request-next";
                fb.block = new DecodedFrame.Block(r.u32("a block number"), null, null);
                return; // the transfer in progress goes on answering the same request
            }
            case 3 -> {
                fb.pdu = "get-request-with-list";
                int n = r.count("a list of attribute descriptors");
                for (int i = 0; i < n; i++) fb.descriptors.add(fields.attributeWithSelection(r, fb));
            }
            default -> throw new Undecodable(r.pos() - 2, "get-request of type " + type);
        }
        conversation.lastRequest = new Conversation.Request("get", type, List.copyOf(fb.descriptors));
    }

    void response(Reader r, FrameBuilder fb) {
        r.u8("an APDU tag");
        int type = r.u8("a get-response type");
        fb.invoke = ServiceFields.invoke(r.u8("an invoke-id-and-priority"));
        switch (type) {
            case 1 -> {
                fb.pdu = "get-response-normal";
                result(r, fb, 0);
            }
            case 2 -> {
                fb.pdu = "get-response-with-datablock";
                datablock(r, fb);
            }
            case 3 -> {
                fb.pdu = "get-response-with-list";
                results(r, fb);
            }
            default -> throw new Undecodable(r.pos() - 2, "get-response of type " + type);
        }
    }

    private void results(Reader r, FrameBuilder fb) {
        int n = r.count("a list of get-data-results");
        for (int i = 0; i < n; i++) result(r, fb, i);
    }

    /** The {@code i}th result, masked when its attribute is a secret, read as its attribute gives it meaning. */
    private void result(Reader r, FrameBuilder fb, int i) {
        DecodedFrame.Descriptor d = asked(i);
        DecodedFrame.Result res = fields.getDataResult(r, fb, d != null && Secrets.carried(d));
        fb.results.add(new DecodedFrame.Result(res.outcome(), Meanings.annotate(d, res.data())));
    }

    /** DataBlock-G: the data is decoded once the last block is in. */
    private void datablock(Reader r, FrameBuilder fb) {
        boolean last = r.u8("last-block") != 0;
        long number = r.u32("a block number");
        Conversation.Pending p = conversation.pending(false);
        int choice = r.u8("a block result");
        if (choice == 1) {
            fb.block = new DecodedFrame.Block(number, last, null);
            fb.results.add(new DecodedFrame.Result(DlmsNames.dataAccessResult(r.u8("a data-access-result")), null));
            p.blocks = null;
            return;
        }
        if (choice != 0) throw new Undecodable(r.pos() - 1, "block result of choice " + choice);
        int before = p.blocks == null || number <= 1 ? 0 : p.blocks.size();
        Assembly blocks = fields.block(p, number <= 1, r);
        fb.block = new DecodedFrame.Block(number, last, blocks.size() - before);
        if (!last) return;
        p.blocks = null;
        boolean withList = conversation.lastRequest != null && conversation.lastRequest.service().equals("get")
                && conversation.lastRequest.withList();
        fields.whole(blocks, whole -> {
            if (withList) {
                results(whole, fb); // SEQUENCE OF Get-Data-Result
            } else {
                DecodedFrame.Descriptor d = asked(0); // the Data itself
                fb.results.add(new DecodedFrame.Result("success", Meanings.annotate(d, fields.data(whole, fb, d != null && Secrets.carried(d)))));
            }
        });
    }

    private DecodedFrame.Descriptor asked(int i) {
        Conversation.Request q = conversation.lastRequest;
        if (q == null || !q.service().equals("get") || i >= q.descriptors().size()) return null;
        return q.descriptors().get(i);
    }
}
