package org.openhes.headend.scheduler.delivery;

import java.util.Arrays;

/** What a feed entry is, as the API names it. */
public enum FeedKind {
    DAILY_READ("daily-read"),
    ON_DEMAND_READ("on-demand-read"),
    EVENT("event"),
    COMMAND_RESULT("command-result"),
    /** A meter's new load profile intervals, as one store wrote them. */
    INTERVALS("intervals");

    private final String wireName;

    FeedKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The kind of a wire name; an unknown name is an {@link IllegalArgumentException} naming the known ones. */
    public static FeedKind of(String wireName) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown kind " + wireName + " (known: "
                        + String.join(", ", Arrays.stream(values()).map(FeedKind::wireName).toList()) + ")"));
    }
}
