/** The composition root: configuration, HTTP API, metrics, command line, wiring. */
package org.openhes.headend.api;
