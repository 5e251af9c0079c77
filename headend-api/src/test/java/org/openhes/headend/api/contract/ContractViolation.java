package org.openhes.headend.api.contract;

/** An answer of the API that its OpenAPI document does not allow: fails the test that received it. */
public final class ContractViolation extends AssertionError {
    public ContractViolation(String message) {
        super(message);
    }
}
