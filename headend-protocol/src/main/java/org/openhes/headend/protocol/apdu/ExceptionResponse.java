package org.openhes.headend.protocol.apdu;

import java.util.Locale;

/**
 * The meter refused a request as a whole with an exception-response ({@code D8 state-error
 * service-error [invocation counter]}, IEC 62056-5-3), in plaintext or ciphered. Thrown by the
 * {@link ReplyGuard} instead of handing the APDU to the codec (Gurux 4.0.47 throws a
 * NullPointerException on a ciphered one, and on state or service values it does not know).
 */
public final class ExceptionResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The state-error field. */
    public enum StateError {
        SERVICE_NOT_ALLOWED(1), SERVICE_UNKNOWN(2), UNKNOWN(-1);

        final int code;

        StateError(int code) {
            this.code = code;
        }

        static StateError of(int code) {
            for (StateError s : values()) if (s.code == code) return s;
            return UNKNOWN;
        }
    }

    /** The service-error field. */
    public enum ServiceError {
        OPERATION_NOT_POSSIBLE(1), SERVICE_NOT_SUPPORTED(2), OTHER_REASON(3), PDU_TOO_LONG(4), DECIPHERING_ERROR(5),
        INVOCATION_COUNTER_ERROR(6), UNKNOWN(-1);

        final int code;

        ServiceError(int code) {
            this.code = code;
        }

        static ServiceError of(int code) {
            for (ServiceError s : values()) if (s.code == code) return s;
            return UNKNOWN;
        }
    }

    private final StateError state;
    private final ServiceError service;
    private final int stateCode, serviceCode;
    private final long meterCounter;
    private final boolean ciphered;

    ExceptionResponse(int stateCode, int serviceCode, long meterCounter, boolean ciphered) {
        super(null, null, false, false);
        this.stateCode = stateCode;
        this.serviceCode = serviceCode;
        this.state = StateError.of(stateCode);
        this.service = ServiceError.of(serviceCode);
        this.meterCounter = meterCounter;
        this.ciphered = ciphered;
    }

    /** Reads {@code D8 state service [counter]} at {@code pos}. */
    static ExceptionResponse parse(byte[] a, int pos, int end, boolean ciphered) {
        int state = AxdrData.u8(a, pos + 1, end, "an exception-response state-error");
        int service = AxdrData.u8(a, pos + 2, end, "an exception-response service-error");
        long counter = -1;
        if (service == ServiceError.INVOCATION_COUNTER_ERROR.code && end - (pos + 3) >= 4) {
            counter = (a[pos + 3] & 0xFFL) << 24 | (a[pos + 4] & 0xFF) << 16 | (a[pos + 5] & 0xFF) << 8 | (a[pos + 6] & 0xFF);
        }
        return new ExceptionResponse(state, service, counter, ciphered);
    }

    public StateError state() {
        return state;
    }

    public ServiceError service() {
        return service;
    }

    /** The invocation counter the meter expects, when it gave one with invocation-counter-error; else -1. */
    public long meterCounter() {
        return meterCounter;
    }

    public boolean ciphered() {
        return ciphered;
    }

    /** E.g. {@code service-not-allowed, operation-not-possible}. */
    public String describe() {
        return words(state.name(), stateCode) + ", " + words(service.name(), serviceCode);
    }

    private static String words(String name, int code) {
        return name.equals("UNKNOWN") ? "code " + code : name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String getMessage() {
        return (ciphered ? "ciphered " : "") + "exception-response " + describe();
    }
}
