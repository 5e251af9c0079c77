/**
 * Durable delivery to the prepayment platform: the feed (every new read, event and command result, in
 * commit order, with a cursor), the platform's subscriptions to it, and the outbox of command callbacks.
 * All three are written in the transaction that stores the thing delivered, so a node that dies loses
 * nothing: any node delivers what is due.
 */
package org.openhes.headend.scheduler.delivery;
