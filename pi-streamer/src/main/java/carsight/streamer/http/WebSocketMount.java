package carsight.streamer.http;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerContainer;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;

import java.lang.reflect.Constructor;
import java.util.Map;

/**
 * Mounts Tyrus WebSocket endpoints on a Grizzly listener we own, so the page, the HTTP API and {@code /signal} share
 * one port and bind exactly the address asked for. Tyrus 2.2.0 builds the Grizzly add-on that does this only inside
 * its own server (which binds 0.0.0.0), so the add-on's constructor is reached here directly; everything else is
 * Tyrus's public API.
 */
final class WebSocketMount {

    private final TyrusServerContainer container;
    private final AddOn addOn;

    /**
     * @param defaultIdleMillis every socket's idle limit from the moment it is accepted, until the endpoint sets its own.
     *                          Not 0: Tyrus 2.2.0 schedules its idle check at once for a 0 limit, and a check already
     *                          running when the endpoint then sets a real limit closes the socket as idle (seen with
     *                          sockets opened in quick succession on a loaded machine: closed "because of the idle
     *                          timeout" within a second or two).
     */
    WebSocketMount(int maxMessageBytes, long defaultIdleMillis) {
        ServerContainer spi = new GrizzlyServerContainer().createContainer(Map.of(
                "org.glassfish.tyrus.incomingBufferSize", maxMessageBytes * 4));
        this.container = (TyrusServerContainer) spi;
        container.setDefaultMaxTextMessageBufferSize(maxMessageBytes);
        container.setDefaultMaxBinaryMessageBufferSize(1024);
        container.setDefaultMaxSessionIdleTimeout(defaultIdleMillis);
        try {
            Class<?> type = Class.forName("org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn");
            Constructor<?> constructor = type.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            this.addOn = (AddOn) constructor.newInstance(spi, "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot mount WebSockets on Grizzly: this Tyrus version is not 2.2.x-compatible", e);
        }
    }

    void deploy(ServerEndpointConfig endpoint) throws DeploymentException {
        container.getWebSocketEngine().register(endpoint, "");
    }

    void attach(NetworkListener listener) {
        listener.registerAddOn(addOn);
    }

    /** Nothing to stop: the listener, owned by the HTTP server, carries the connections. */
    void stop() {
    }
}
