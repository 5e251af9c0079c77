/** DLMS/COSEM client on Netty: framing, association, security, meter operations, connection pool. */
package org.openhes.headend.protocol;
