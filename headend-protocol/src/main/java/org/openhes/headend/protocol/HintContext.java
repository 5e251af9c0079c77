package org.openhes.headend.protocol;

/**
 * Who reads a failure's hint, and so what it may point at: someone at the command line, who set the
 * meter's address, keys and SAPs with flags, or an operator looking at a job, a command or a dead
 * letter of a meter stored in the registry, who has no flags but the registry and the settings.
 */
public enum HintContext {
    /** {@code headend read/command/get/...}: the hint names the flags ({@code --ek/--ak}). */
    COMMAND_LINE,
    /** A job of a registered meter (job failures, the API, the dead-letter queue): the hint names the registry and settings. */
    STORED_METER
}
