package org.openhes.headend.api.config;

/** A setting is missing or wrong; the message names the setting and the value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
