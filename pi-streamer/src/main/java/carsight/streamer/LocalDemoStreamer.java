package carsight.streamer;

import carsight.protocol.demo.DemoStreamer;
import carsight.streamer.camera.CameraFactory;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.http.TokenCheck;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.session.StreamerSettings;

import java.net.URI;

/**
 * The streamer behind {@code carsight-console --demo}: the test pattern at {@code 127.0.0.1}, no token, a free port.
 * Registered in {@code META-INF/services} so a console finds it on its class path without naming it.
 */
public final class LocalDemoStreamer implements DemoStreamer {

    private Streamer streamer;

    @Override
    public synchronized URI start(int width, int height, int fps) throws Exception {
        if (streamer != null) {
            throw new IllegalStateException("the demo streamer is already running");
        }
        CameraSettings settings = new CameraSettings(width, height, fps, 4_000_000, fps);
        Streamer s = new Streamer(CameraFactory.create("test-pattern", settings), settings, StreamerSettings.defaults(),
                IceConfig.hostOnly(), "127.0.0.1", 0, TokenCheck.disabled());
        s.start(10_000);
        streamer = s;
        return URI.create("http://127.0.0.1:" + s.port());
    }

    @Override
    public synchronized void close() {
        if (streamer != null) {
            streamer.close();
            streamer = null;
        }
    }
}
