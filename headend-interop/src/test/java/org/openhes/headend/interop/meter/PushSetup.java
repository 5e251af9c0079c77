package org.openhes.headend.interop.meter;

/**
 * What the alarm push setup holds: send_destination_and_method (transport, destination, message type)
 * and the retry attributes, with the values a meter leaves the factory with.
 */
public final class PushSetup {
    private int transport; // 0 TCP
    private byte[] destination = new byte[0];
    private int messageType; // 0 A-XDR encoded xDLMS APDU
    private int randomisationSeconds = 60;
    private int retries = 5;
    private int repetitionDelaySeconds = 120;

    public synchronized String destination() {
        return new String(destination, java.nio.charset.StandardCharsets.US_ASCII);
    }

    public synchronized int transport() {
        return transport;
    }

    public synchronized int messageType() {
        return messageType;
    }

    synchronized byte[] destinationBytes() {
        return destination.clone();
    }

    synchronized void setDestinationAndMethod(int transport, byte[] destination, int messageType) {
        this.transport = transport;
        this.destination = destination.clone();
        this.messageType = messageType;
    }

    public synchronized int randomisationSeconds() {
        return randomisationSeconds;
    }

    synchronized void setRandomisationSeconds(int s) {
        randomisationSeconds = s;
    }

    public synchronized int retries() {
        return retries;
    }

    synchronized void setRetries(int n) {
        retries = n;
    }

    public synchronized int repetitionDelaySeconds() {
        return repetitionDelaySeconds;
    }

    synchronized void setRepetitionDelaySeconds(int s) {
        repetitionDelaySeconds = s;
    }
}
