/** The job handlers that join a scheduled job to a meter operation, and the batching of their writes. */
package org.openhes.headend.api.jobs;
