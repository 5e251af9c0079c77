package org.openhes.headend.simulator;

/** What one connection does wrong, chosen when it is accepted. */
enum Fault {
    NONE, REFUSE, DROP, SILENT, CORRUPT, REJECT_ASSOCIATION
}
