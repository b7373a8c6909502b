package carsight.protocol.clock;

import java.time.Instant;

/** Microseconds since the Unix epoch: the time base of capture, send and screen times everywhere in carsight. */
public final class WallClock {

    private WallClock() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
