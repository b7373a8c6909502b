package carsight.protocol.demo;

import java.net.URI;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A streamer on its moving test pattern inside the calling process, for {@code carsight-console --demo}: the console
 * meets it only at the wire (its address), and finds it at run time with {@link ServiceLoader} — the streamer's jar
 * provides it, the console's code never names a streamer class.
 */
public interface DemoStreamer extends AutoCloseable {

    /** Starts serving on {@code 127.0.0.1} at a free port, without a token, and returns the page's address. */
    URI start(int width, int height, int fps) throws Exception;

    /** Stops it; the address is gone afterwards. */
    @Override
    void close();

    /** The demo streamer on the class path, if one is. */
    static Optional<DemoStreamer> find() {
        return ServiceLoader.load(DemoStreamer.class).findFirst();
    }
}
