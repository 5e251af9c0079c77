package org.openhes.headend.bench;

import java.util.Map;

/**
 * One benchmark: starts what it needs, prints progress on stderr, and puts its figures into {@code out}.
 * Every scenario puts {@code sessionsPerSecond}, {@code ratio} (to a bound measured in the same run,
 * named beside it) and {@code lost} (accepted work that will never complete).
 */
interface Scenario {
    void run(BenchParameters p, Map<String, Object> out) throws Exception;
}
