/** An independent DLMS/COSEM meter built on OpenMUC jDLMS's server (GPLv3, test scope only), with the state tests check. */
package org.openhes.headend.interop.meter;
