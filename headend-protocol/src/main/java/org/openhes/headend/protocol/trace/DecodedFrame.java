package org.openhes.headend.protocol.trace;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded frame, decoded (and deciphered when it was ciphered and the keys are known). Fields that
 * do not apply to the frame's PDU are null (or empty lists). Nothing here holds a key, a password, a
 * challenge or an answer to one: those are shown as {@code ***(n bytes)}, also in {@link #hex}.
 *
 * @param at          when the frame was recorded
 * @param direction   TX (head-end to meter) or RX
 * @param step        the session step that sent or awaited it
 * @param pdu         what the frame carries, after deciphering: {@code get-request-normal}, {@code AARE},
 *                    {@code exception-response}, {@code HDLC RR}, {@code segment 1}, ...
 * @param link        the wrapper or HDLC framing, or null when the frame was not understood at all
 * @param ciphering   the security envelope the APDU came in, or null for plaintext
 * @param invoke      invoke-id and priority, or null when the PDU has none
 * @param descriptors the attributes or methods a request names (a with-list request names several)
 * @param values      data a request carries (set values, method parameters; a data-notification's time and body)
 * @param results     what a response gives back, one per item of the request
 * @param block       block transfer: the block number and whether it is the last
 * @param association AARQ, AARE, RLRQ, RLRE fields, or null
 * @param refusal     an exception-response or confirmed-service-error, or null
 * @param problem     why (part of) the frame could not be decoded or deciphered, or null
 * @param hex         the frame as recorded, secrets replaced by {@code **}, cut after {@link TraceDecoder#MAX_HEX_BYTES} bytes
 */
public record DecodedFrame(Instant at, String direction, String step, String pdu, Link link, Ciphering ciphering,
                           Invoke invoke, List<Descriptor> descriptors, List<DataValue> values, List<Result> results,
                           Block block, Association association, Refusal refusal, String problem, String hex) {
    public DecodedFrame {
        descriptors = descriptors == null ? List.of() : List.copyOf(descriptors);
        values = values == null ? List.of() : List.copyOf(values);
        results = results == null ? List.of() : List.copyOf(results);
    }

    /**
     * The link layer.
     *
     * @param layer      {@code wrapper} or {@code HDLC}
     * @param frame      the HDLC frame type (I, RR, RNR, SNRM, UA, DISC, DM, FRMR, UI), null for the wrapper
     * @param source     the sender's address: wrapper port, or HDLC address (upper/lower for a server)
     * @param destination the receiver's address
     * @param sendSequence    HDLC N(S) of an I-frame
     * @param receiveSequence HDLC N(R) of an I or S frame
     * @param pollFinal  the HDLC poll/final bit
     * @param segment    which segment of the APDU this I-frame is (1-based), when the APDU was segmented
     * @param lastSegment whether no segment follows (the segmentation bit is clear)
     * @param parameters HDLC parameters negotiated in SNRM/UA (max information field lengths, window sizes)
     */
    public record Link(String layer, String frame, String source, String destination, Integer sendSequence,
                       Integer receiveSequence, Boolean pollFinal, Integer segment, Boolean lastSegment,
                       Map<String, Long> parameters) {
        public Link {
            parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    /**
     * @param envelope          the ciphered APDU's own name ({@code glo-get-response}, {@code general-glo-ciphering})
     * @param security          authenticated-and-encrypted, authenticated, or encrypted (from the security control byte)
     * @param suite             the security suite
     * @param invocationCounter the invocation counter the APDU carried
     * @param systemTitle       the sender's system title used for the IV, in hex (with its manufacturer letters)
     */
    public record Ciphering(String envelope, String security, int suite, long invocationCounter, String systemTitle) {
    }

    /** @param priority normal or high; @param serviceClass confirmed or unconfirmed */
    public record Invoke(long id, String priority, String serviceClass) {
    }

    /**
     * A COSEM attribute or method descriptor.
     *
     * @param kind      attribute or method
     * @param className the interface class's name, when it is a common one
     * @param obis      the logical name as {@code A-B:C.D.E.F}
     * @param id        the attribute or method index
     * @param selection selective access, or null
     */
    public record Descriptor(String kind, int classId, String className, String obis, int id, Selection selection) {
        /** {@code 3/1-0:1.8.1.255/2}: class, logical name, index. */
        public String reference() {
            return classId + "/" + obis + "/" + id;
        }
    }

    /**
     * Selective access.
     *
     * @param kind              {@code range} (selector 1 of a profile), {@code entry} (selector 2), or {@code selector n}
     * @param restrictingObject the column a range is on ({@code 8/0-0:1.0.0.255/2}), or null
     * @param from              first value (range) or entry
     * @param to                last value (range) or entry
     * @param columns           the columns asked for ({@code all}, or a list, or {@code 1..4})
     * @param parameter         the parameter as decoded data, when it is not one of the forms above
     */
    public record Selection(int selector, String kind, String restrictingObject, DataValue from, DataValue to,
                            String columns, DataValue parameter) {
    }

    /**
     * One item of a response.
     *
     * @param outcome {@code success} or the data-access-result / action-result name
     * @param data    the data returned, or null
     */
    public record Result(String outcome, DataValue data) {
    }

    /** @param bytes raw data carried by this block, when it carries some */
    public record Block(long number, Boolean last, Integer bytes) {
    }

    /**
     * ACSE fields of an AARQ, AARE, RLRQ or RLRE.
     *
     * @param authenticationValue the calling (AARQ) or responding (AARE) authentication value, always masked
     * @param reason              the release reason (RLRQ, RLRE)
     * @param initiate            the xDLMS APDU in user-information, deciphered when it was ciphered
     */
    public record Association(String applicationContext, String mechanism, String callingApTitle, String respondingApTitle,
                              String authenticationValue, String result, String diagnostic, String reason, Initiate initiate) {
    }

    /**
     * The xDLMS initiate-request or initiate-response carried in user-information.
     *
     * @param pdu               initiate-request, initiate-response or confirmed-service-error
     * @param ciphering         its envelope when it came ciphered (glo-initiate-request, ...), or null
     * @param conformance       the proposed or negotiated conformance bits, by name
     * @param maxReceivePduSize the sender's max receive PDU size
     * @param dedicatedKey      a dedicated key, masked, when the request carries one
     * @param refusal           a confirmed-service-error in place of the response
     * @param problem           why it could not be decoded or deciphered, or null
     */
    public record Initiate(String pdu, Ciphering ciphering, Integer dlmsVersion, List<String> conformance,
                           Integer maxReceivePduSize, String dedicatedKey, Refusal refusal, String problem) {
        public Initiate {
            conformance = conformance == null ? List.of() : List.copyOf(conformance);
        }
    }

    /**
     * A refusal: exception-response (state and service error, with the counter the meter expects on an
     * invocation-counter-error) or confirmed-service-error (the service refused and why).
     */
    public record Refusal(String stateError, String serviceError, String confirmedService, Long invocationCounter) {
    }
}
