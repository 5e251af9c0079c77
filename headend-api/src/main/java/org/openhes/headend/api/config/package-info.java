/** The service's settings: read from a properties file and HEADEND_* environment variables, validated at start-up. */
package org.openhes.headend.api.config;
