package org.openhes.headend.protocol.session;

import gurux.dlms.GXDLMSConfirmedServiceError;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDLMSExceptionResponse;
import gurux.dlms.enums.AssociationResult;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ExceptionServiceError;
import gurux.dlms.enums.SourceDiagnostic;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.apdu.ExceptionResponse;
import org.openhes.headend.protocol.apdu.MalformedApdu;

/**
 * The one place where what the codec, the reply guard and the meter say goes into the failure
 * vocabulary: each case names the step, what the meter said, and which {@link MeterFailureKind} the
 * scheduler acts on.
 */
final class Failures {
    private final String meter;
    private final LongSupplier invocationCounter;

    Failures(String meter, LongSupplier invocationCounter) {
        this.meter = meter;
        this.invocationCounter = invocationCounter;
    }

    String meter() {
        return meter;
    }

    MeterException of(MeterFailureKind kind, String step, String detail) {
        return new MeterException(kind, meter, step, detail);
    }

    /** The failure in a completion chain as the vocabulary's exception; {@code step} names it when nothing else did. */
    MeterException in(String step, Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        MeterException m = MeterException.find(c);
        return m != null ? m : translate(step, c);
    }

    /** Maps what the codec or the reply guard threw to the failure vocabulary. */
    MeterException translate(String step, Throwable e) {
        if (e instanceof MeterException m) return m;
        if (e instanceof ExceptionResponse r) return refused(step, r);
        if (e instanceof MalformedApdu m && !m.notAuthentic()) {
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, "answer refused: " + m.getMessage(), e);
        }
        if (e instanceof GXDLMSExceptionResponse r) {
            if (r.getExceptionServiceError() == ExceptionServiceError.INVOCATION_COUNTER_ERROR) {
                return new MeterException(MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC, meter, step,
                        "the meter rejected invocation counter " + invocationCounter.getAsLong(), e);
            }
            if (r.getExceptionServiceError() == ExceptionServiceError.DECIPHERING_ERROR) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, step,
                        "the meter could not decipher the request", e);
            }
            return new MeterException(MeterFailureKind.REQUEST_REFUSED, meter, step,
                    "exception-response " + r.getStateError() + "/" + r.getExceptionServiceError(), e);
        }
        if (e instanceof GXDLMSException g) {
            if (g.getResult() != null && g.getResult() != AssociationResult.ACCEPTED) return associationRefused(g);
            if (g.getErrorCode() != 0) return dataAccess(step, g.getErrorCode());
            String msg = String.valueOf(g.getMessage());
            if (msg.toLowerCase(Locale.ROOT).contains("decrypt") || msg.toLowerCase(Locale.ROOT).contains("authentication")) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, step, msg, e);
            }
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, msg, e);
        }
        if (e instanceof GXDLMSConfirmedServiceError c) {
            return new MeterException(MeterFailureKind.REQUEST_REFUSED, meter, step,
                    "confirmed-service-error " + c.getConfirmedServiceError() + "/" + c.getServiceError(), e);
        }
        if (corrupted(e)) {
            // Wrong keys are refused by the meter itself (it cannot decipher our request); an answer that
            // fails its own tag here was damaged on the way: retryable.
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step,
                    "the meter's answer does not authenticate (damaged on the link)", e);
        }
        return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, "cannot decode the meter's answer: " + e, e);
    }

    /** An exception-response: the request was refused as a whole. */
    MeterException refused(String step, ExceptionResponse r) {
        return switch (r.service()) {
            case INVOCATION_COUNTER_ERROR -> new MeterException(MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC, meter, step,
                    "the meter rejected invocation counter " + invocationCounter.getAsLong() + ": " + r.getMessage()
                            + (r.meterCounter() >= 0 ? ", it expects " + r.meterCounter() : ""), r);
            case DECIPHERING_ERROR -> new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, step,
                    "the meter could not decipher the request: " + r.getMessage(), r);
            default -> new MeterException(MeterFailureKind.REQUEST_REFUSED, meter, step, r.getMessage(), r);
        };
    }

    /** An AARE that did not accept the association. */
    MeterException associationRefused(GXDLMSException e) {
        AssociationResult result = e.getResult();
        if (result != null && result != AssociationResult.ACCEPTED) {
            if (e.getDiagnostic() == SourceDiagnostic.AUTHENTICATION_FAILURE.getValue()
                    || e.getDiagnostic() == SourceDiagnostic.AUTHENTICATION_REQUIRED.getValue()
                    || e.getDiagnostic() == SourceDiagnostic.NOT_RECOGNISED.getValue()
                    || e.getDiagnostic() == SourceDiagnostic.MECHANISM_NAME_REGUIRED.getValue()) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, "associate AARE",
                        "the meter refused the credentials (" + diagnostic(e.getDiagnostic()) + ")", e);
            }
            return new MeterException(MeterFailureKind.ASSOCIATION_REJECTED, meter, "associate AARE",
                    result.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", diagnostic " + diagnostic(e.getDiagnostic()), e);
        }
        return new MeterException(MeterFailureKind.ASSOCIATION_REJECTED, meter, "associate AARE", e.getMessage(), e);
    }

    private static String diagnostic(int code) {
        try {
            return SourceDiagnostic.forValue(code).name().toLowerCase(Locale.ROOT).replace('_', '-');
        } catch (RuntimeException unknown) {
            return "code " + code;
        }
    }

    /** A data-access-result other than success, for one attribute or a whole request. */
    MeterException dataAccess(String step, int code) {
        ErrorCode ec = errorCode(code);
        MeterFailureKind kind = switch (ec) {
            case READ_WRITE_DENIED, ACCESS_VIOLATED -> MeterFailureKind.ACCESS_DENIED;
            case UNDEFINED_OBJECT, UNAVAILABLE_OBJECT, INCONSISTENT_CLASS -> MeterFailureKind.OBJECT_UNAVAILABLE;
            case UNMATCHED_TYPE -> MeterFailureKind.REQUEST_REFUSED;
            case TEMPORARY_FAILURE, HARDWARE_FAULT, RECEIVE_NOT_READY -> MeterFailureKind.METER_BUSY;
            case REJECTED, DISCONNECT_MODE -> MeterFailureKind.ASSOCIATION_REJECTED;
            case OTHER_REASON -> MeterFailureKind.REQUEST_REFUSED;
            default -> MeterFailureKind.MALFORMED_RESPONSE;
        };
        return new MeterException(kind, meter, step, "data-access-result " + ec.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /** A data-access- or action-result code as the Blue Book names it, e.g. {@code other-reason}; an unknown one as {@code code N}. */
    static String resultName(int code) {
        try {
            return ErrorCode.forValue(code).name().toLowerCase(Locale.ROOT).replace('_', '-');
        } catch (RuntimeException unknown) {
            return "code " + code;
        }
    }

    private static ErrorCode errorCode(int code) {
        try {
            return ErrorCode.forValue(code);
        } catch (RuntimeException unknown) {
            return ErrorCode.OTHER_REASON;
        }
    }

    static boolean corrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AEADBadTagException || t instanceof javax.crypto.BadPaddingException) return true;
            if (t instanceof MalformedApdu m && m.notAuthentic()) return true;
        }
        return false;
    }
}
