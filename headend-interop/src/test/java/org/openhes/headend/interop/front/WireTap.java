package org.openhes.headend.interop.front;

/** Sees every wrapper frame that crosses the front, before the counter check decides on it. */
@FunctionalInterface
public interface WireTap {
    /** Which way a frame went. */
    enum Direction { CLIENT_TO_METER, METER_TO_CLIENT }

    WireTap NONE = (direction, frame) -> { };

    void frame(Direction direction, WrapperFrame frame);
}
