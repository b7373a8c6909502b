package carsight.streamer.it;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hostile client for tests: negotiates a session like a viewer (so it learns the streamer's media port), then
 * sprays that port with junk shaped like STUN, DTLS, RTP and RTCP — bounded in count and time.
 * Arguments: {@code URL TOKEN SECONDS}. Prints how many datagrams it sent.
 */
public final class MediaPortJunk {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        int seconds = Integer.parseInt(args[2]);
        SignalCodec codec = new SignalCodec();
        CompletableFuture<String> answer = new CompletableFuture<>();
        String offer;
        try (InputStream in = MediaPortJunk.class.getResourceAsStream("/sdp/chromium-156-recvonly-offer.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Session session = ClientManager.createClient().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig config) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                    try {
                        if (codec.decode(text) instanceof SignalMessage.Answer a) {
                            answer.complete(a.sdp());
                        }
                    } catch (Exception ignored) {
                        // not ours to judge
                    }
                });
            }
        }, ClientEndpointConfig.Builder.create().build(),
                URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/signal?token=" + args[1]));
        session.getBasicRemote().sendText(codec.encode(new SignalMessage.Offer(offer)));
        String sdp = answer.get(20, TimeUnit.SECONDS);
        String candidate = sdp.lines().filter(l -> l.startsWith("a=candidate:")).findFirst().orElseThrow();
        String[] f = candidate.split(" ");
        InetSocketAddress target = new InetSocketAddress(f[4], Integer.parseInt(f[5]));

        Random random = new Random(1);
        long sent = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (DatagramSocket socket = new DatagramSocket()) {
            while (System.nanoTime() < end && sent < 50_000) {
                byte[] junk = new byte[1 + random.nextInt(1200)];
                random.nextBytes(junk);
                switch ((int) (sent % 4)) {
                    case 0 -> { // STUN binding request with a magic cookie and garbage attributes
                        junk = java.util.Arrays.copyOf(junk, Math.max(junk.length, 28));
                        junk[0] = 0; junk[1] = 1; junk[4] = 0x21; junk[5] = 0x12; junk[6] = (byte) 0xA4; junk[7] = 0x42;
                    }
                    case 1 -> { junk[0] = 22; } // DTLS handshake content type
                    case 2 -> { junk[0] = (byte) 0x80; } // RTP
                    default -> { junk[0] = (byte) 0x81; if (junk.length > 1) { junk[1] = (byte) 201; } } // RTCP RR
                }
                socket.send(new DatagramPacket(junk, junk.length, target));
                sent++;
                if (sent % 100 == 0) {
                    Thread.sleep(20);
                }
            }
        }
        session.close();
        System.out.println("{\"junkSent\":" + sent + "}");
        System.exit(0);
    }
}
