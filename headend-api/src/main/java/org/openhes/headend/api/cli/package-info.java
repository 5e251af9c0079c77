/** The {@code ./headend} command line: serve, demo, simulate, read, command, meters import, bench, migrate. */
package org.openhes.headend.api.cli;
