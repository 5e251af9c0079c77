package org.openhes.headend.protocol.trace;

import java.util.List;

/**
 * What decoding one frame of a trace learns for the next ones: the system titles (the client's, the
 * meter's from its AARE), a dedicated key from the AARQ, the request being answered (a reply's block
 * data and its secrets depend on it), and parts of APDUs still being put together, one set per direction.
 */
final class Conversation {
    /** A request as the replies to it need it. */
    record Request(String service, int type, List<DecodedFrame.Descriptor> descriptors) {
        boolean withList() {
            return descriptors.size() > 1 || (service.equals("get") && type == 3);
        }
    }

    /** Parts in progress for one direction. */
    static final class Pending {
        Assembly segments;
        Assembly blocks;
        boolean blocksWithList;
        Assembly generalBlocks;
    }

    byte[] clientTitle;
    byte[] meterTitle;
    byte[] dedicatedKey;
    Request lastRequest;
    private final Pending tx = new Pending(), rx = new Pending();

    Conversation(byte[] clientTitle) {
        this.clientTitle = clientTitle;
    }

    Pending pending(boolean fromClient) {
        return fromClient ? tx : rx;
    }

    byte[] senderTitle(boolean fromClient) {
        return fromClient ? clientTitle : meterTitle;
    }

    void learnSenderTitle(boolean fromClient, byte[] title) {
        if (title == null || title.length != 8) return;
        if (fromClient && clientTitle == null) clientTitle = title;
        if (!fromClient && meterTitle == null) meterTitle = title;
    }
}
