package carsight.streamer.ice;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the host socket under ice4j passes up to ice4j and what it gives the session: nothing may go up that ice4j's
 * reader would not take, or it would be kept unread (on loopback).
 */
class PayloadSocketTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static byte[] stun(int type) {
        byte[] m = new byte[20];
        m[0] = (byte) (type >> 8);
        m[1] = (byte) type;
        m[4] = 0x21;
        m[5] = 0x12;
        m[6] = (byte) 0xA4;
        m[7] = 0x42;
        for (int i = 8; i < 20; i++) {
            m[i] = (byte) i;
        }
        return m;
    }

    @Test
    void onlyStunThatIce4jReadsAndChannelDataFromOurTurnServerGoUpEverythingElseToTheSession() throws Exception {
        List<String> toSession = new ArrayList<>();
        try (DatagramSocket turn = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             PayloadHostHarvester.PayloadSocket socket = new PayloadHostHarvester.PayloadSocket(
                     new InetSocketAddress(LOOPBACK, 0), Set.<SocketAddress>of(turn.getLocalSocketAddress()),
                     (data, offset, length, from) -> toSession.add((data[offset] & 0xFF) + "/" + length))) {
            socket.setSoTimeout(5_000);
            SocketAddress to = socket.getLocalSocketAddress();
            byte[] dtls = {22, (byte) 0xFE, (byte) 0xFD, 0, 0};
            byte[] oneByte = {1};
            byte[] unknownMethod = stun(0x000B);
            byte[] channelData = {0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4};
            for (byte[] junk : List.of(dtls, oneByte, unknownMethod)) {
                stranger.send(new DatagramPacket(junk, junk.length, to));
            }
            stranger.send(new DatagramPacket(channelData, channelData.length, to)); // not from our TURN server
            byte[] binding = stun(0x0001);
            stranger.send(new DatagramPacket(binding, binding.length, to));
            turn.send(new DatagramPacket(channelData, channelData.length, to));
            byte[] allocateResponse = stun(0x0103);
            turn.send(new DatagramPacket(allocateResponse, allocateResponse.length, to));

            DatagramPacket up = new DatagramPacket(new byte[1500], 1500);
            socket.receive(up);
            assertThat(up.getLength()).as("the binding request").isEqualTo(20);
            assertThat(up.getData()[1]).isEqualTo((byte) 0x01);
            assertThat(toSession).containsExactly("22/5", "1/1", "0/20", "64/8");

            socket.receive(up);
            assertThat(up.getData()[0]).as("channel data from our TURN server").isEqualTo((byte) 0x40);
            assertThat(up.getSocketAddress()).isEqualTo(turn.getLocalSocketAddress());
            socket.receive(up);
            assertThat(up.getData()[1]).as("a TURN response").isEqualTo((byte) 0x03);
            assertThat(toSession).hasSize(4);
        }
    }
}
