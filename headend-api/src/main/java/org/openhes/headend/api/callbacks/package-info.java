/** Callbacks to the caller when a command ends: signed with HMAC-SHA256, retried with backoff. */
package org.openhes.headend.api.callbacks;
