/** A fleet of simulated DLMS/COSEM meters served over TCP, for tests, benchmarks and the demo. */
package org.openhes.headend.simulator;
