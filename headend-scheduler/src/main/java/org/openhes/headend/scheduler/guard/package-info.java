/** The disconnection guard: the policy the head-end enforces whatever the platform sends (protected customers, non-disconnection windows). */
package org.openhes.headend.scheduler.guard;
