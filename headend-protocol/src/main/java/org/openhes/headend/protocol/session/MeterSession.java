package org.openhes.headend.protocol.session;

import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.transport.MeterLink;

/**
 * One session with one meter: an {@link Association} over one link, and what can be done in it —
 * {@link #reads()}, {@link #commands()}, {@link #access()} (generic GET/SET/ACTION),
 * {@link #inspection()} and {@link #keys()} (key renewal). This package is the only one that speaks Gurux. Not thread-safe: a session runs
 * one request at a time (the futures chain them), which is how {@link MeterClient} uses it.
 */
public final class MeterSession {
    private final Association association;
    private final AttributeAccess access;
    private final MeterReads reads;
    private final LoadProfileReads loadProfile;
    private final EventLogReads eventLogs;
    private final MeterCommands commands;
    private final PushSetupCommands pushSetup;
    private final MeterInspection inspection;
    private final KeyTransfer keys;

    MeterSession(MeterTarget target, MeterLink link, InvocationCounterStore counters, MeterMetadataCache cache,
                 Timeouts timeouts, InstantSource clock) {
        this.association = new Association(target, link, counters, timeouts);
        this.access = new AttributeAccess(association);
        Scalers scalers = new Scalers(association, access, cache);
        ProfileReads profiles = new ProfileReads(association, access, scalers, cache, clock);
        this.reads = new MeterReads(association, access, scalers, profiles, clock);
        this.loadProfile = new LoadProfileReads(association, access, scalers, profiles, cache, clock);
        this.eventLogs = new EventLogReads(association, access, profiles, cache);
        this.commands = new MeterCommands(association, access, scalers, cache);
        this.pushSetup = new PushSetupCommands(association, access);
        this.inspection = new MeterInspection(association, access);
        this.keys = new KeyTransfer(association);
    }

    public MeterTarget target() {
        return association.target();
    }

    public MeterProfile profile() {
        return association.target().profile();
    }

    public MeterReads reads() {
        return reads;
    }

    /** The 15-minute load profile. */
    public LoadProfileReads loadProfile() {
        return loadProfile;
    }

    /** The meter's event logs and alarm register. */
    public EventLogReads eventLogs() {
        return eventLogs;
    }

    public MeterCommands commands() {
        return commands;
    }

    /** The alarm push setup: where the meter's pushes go. */
    public PushSetupCommands pushSetup() {
        return pushSetup;
    }

    public AttributeAccess access() {
        return access;
    }

    public MeterInspection inspection() {
        return inspection;
    }

    /** The transfer of new keys to the meter (global_key_transfer of the profile's security setup). */
    public KeyTransfer keys() {
        return keys;
    }

    /** What the meter agreed to in its AARE (conformance, PDU size, system title). */
    public Negotiated negotiated() {
        return association.negotiated();
    }

    CompletableFuture<Void> open() {
        return association.open();
    }

    /** Lets urgent joined work run before each request once the association is open. */
    void interjectFrom(SessionMailbox mailbox, SessionEvents events) {
        association.beforeEachRequest(() -> runUrgent(mailbox, events));
    }

    private CompletableFuture<Void> runUrgent(SessionMailbox mailbox, SessionEvents events) {
        SessionMailbox.Joined<?> j = mailbox.pollUrgent();
        if (j == null) return CompletableFuture.completedFuture(null);
        events.joinedSession(j.operation(), true);
        return j.runIn(this).thenCompose(v -> runUrgent(mailbox, events));
    }

    /** Runs everything waiting in {@code mailbox}, one after the other. */
    CompletableFuture<Void> runJoined(SessionMailbox mailbox, SessionEvents events) {
        SessionMailbox.Joined<?> j = mailbox.pollAny();
        if (j == null) return CompletableFuture.completedFuture(null);
        events.joinedSession(j.operation(), false);
        return j.runIn(this).thenCompose(v -> runJoined(mailbox, events));
    }

    CompletableFuture<Void> release() {
        return association.release();
    }

    /** Any failure of an operation, as the vocabulary's exception naming the step in progress. */
    MeterException failure(Throwable e) {
        return association.failure(e);
    }

    MeterLink link() {
        return association.link();
    }

    /** For tests in this package that must send what the head-end itself never would. */
    Association association() {
        return association;
    }
}
