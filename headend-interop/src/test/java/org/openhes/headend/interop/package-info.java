/** Interoperability tests that hold the head-end's DLMS/COSEM against implementations that are neither ours nor Gurux's. */
package org.openhes.headend.interop;
