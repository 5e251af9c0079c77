/**
 * The HTTP API: {@link org.openhes.headend.api.http.HttpApi} holds the server and the route table, one
 * {@code ...Resource} class per resource answers its routes with the stores it is given, and beside
 * them sit authentication, admission, problem documents, pagination and request parsing.
 */
package org.openhes.headend.api.http;
