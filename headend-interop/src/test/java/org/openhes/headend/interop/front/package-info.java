/** A loopback TCP front that drops a client, as real meters do, when a ciphered APDU's invocation counter is not above the last accepted. */
package org.openhes.headend.interop.front;
