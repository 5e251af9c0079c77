/**
 * Turns a recorded {@link org.openhes.headend.protocol.transport.WireTrace} into decoded, deciphered
 * frames for field engineers (as text or as JSON-ready maps), with every secret masked.
 */
package org.openhes.headend.protocol.trace;
