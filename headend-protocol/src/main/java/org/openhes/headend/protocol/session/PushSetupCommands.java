package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;

import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSPushSetup;
import gurux.dlms.objects.enums.MessageType;
import gurux.dlms.objects.enums.ServiceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.PushDestination;

/**
 * The meter's alarm push setup (interface class 40, the profile's {@code push.setup}): where its pushes
 * go. Writes send_destination_and_method (attribute 3: TCP, {@code host:port}, A-XDR xDLMS APDU) and
 * the retry attributes asked for (5 randomisation_start_interval, 6 number_of_retries, 7
 * repetition_delay), then reads them back: the command succeeds when the meter holds what was written.
 */
public final class PushSetupCommands {
    private static final int TCP = 0, A_XDR_APDU = 0;

    private final Association association;
    private final AttributeAccess access;

    PushSetupCommands(Association association, AttributeAccess access) {
        this.association = association;
        this.access = access;
    }

    /** Points the push setup at {@code d} and reads it back. */
    public CompletableFuture<CommandResult> configure(PushDestination d) {
        String problem = d.problem();
        if (problem != null) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "set push setup", problem));
        }
        String obis = association.target().profile().pushSetup();
        GXDLMSPushSetup setup = new GXDLMSPushSetup(ln(obis));
        setup.setService(ServiceType.TCP);
        setup.setDestination(d.address());
        setup.setMessage(MessageType.COSEM_APDU);
        List<Integer> written = new ArrayList<>(List.of(3));
        CompletableFuture<Void> chain = access.write(setup, 3);
        if (d.randomisationSeconds() != null) {
            setup.setRandomisationStartInterval(d.randomisationSeconds());
            chain = chain.thenCompose(v -> access.write(setup, 5));
            written.add(5);
        }
        if (d.retries() != null) {
            setup.setNumberOfRetries((byte) d.retries().intValue());
            chain = chain.thenCompose(v -> access.write(setup, 6));
            written.add(6);
        }
        if (d.repetitionDelaySeconds() != null) {
            setup.setRepetitionDelay(d.repetitionDelaySeconds());
            chain = chain.thenCompose(v -> access.write(setup, 7));
            written.add(7);
        }
        return chain.thenCompose(v -> access.attributes(ObjectType.PUSH_SETUP, obis, written))
                .thenApply(values -> result(obis, d, written, values));
    }

    private CommandResult result(String obis, PushDestination d, List<Integer> written, List<Object> values) {
        Map<String, Object> state = new LinkedHashMap<>();
        boolean same = true;
        for (int k = 0; k < written.size(); k++) {
            Object v = values.get(k);
            switch (written.get(k)) {
                case 3 -> {
                    String dest = destination(obis, v);
                    state.put("destination", dest);
                    same &= dest.equals(d.address());
                }
                case 5 -> same &= put(state, "randomisationSeconds", obis, 5, v, d.randomisationSeconds());
                case 6 -> same &= put(state, "retries", obis, 6, v, d.retries());
                case 7 -> same &= put(state, "repetitionDelaySeconds", obis, 7, v, d.repetitionDelaySeconds());
                default -> throw new IllegalStateException("attribute " + written.get(k));
            }
        }
        return new CommandResult("set-push-setup", same ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED, state);
    }

    /** The destination of send_destination_and_method {transport, destination, message}, checked to be TCP and an APDU. */
    private String destination(String obis, Object v) {
        if (v instanceof List<?> s && s.size() == 3 && s.get(0) instanceof Number transport && s.get(1) instanceof byte[] dest
                && s.get(2) instanceof Number message) {
            String text = new String(dest, StandardCharsets.US_ASCII);
            if (transport.intValue() != TCP || message.intValue() != A_XDR_APDU) {
                return text + " (transport " + transport + ", message " + message + ")";
            }
            return text;
        }
        throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/3",
                "send_destination_and_method is not {enum, octet-string, enum}: " + DlmsValues.printable(v));
    }

    private boolean put(Map<String, Object> state, String name, String obis, int attribute, Object v, int asked) {
        if (!(v instanceof Number n)) {
            throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/" + attribute,
                    name + " is not a number: " + DlmsValues.printable(v));
        }
        state.put(name, n.intValue());
        return n.intValue() == asked;
    }
}
