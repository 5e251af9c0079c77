/** Durable fleet scheduling on PostgreSQL: meters, keys, counters, jobs, reads, commands. */
package org.openhes.headend.scheduler;
