/** Read models for the web console, SQL only: what the operations and meter pages show, read in few queries, never written. */
package org.openhes.headend.scheduler.console;
