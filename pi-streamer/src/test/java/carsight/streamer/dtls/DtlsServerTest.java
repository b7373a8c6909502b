package carsight.streamer.dtls;

import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.srtp.SrtpKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DtlsServerTest {

    static DtlsIdentity streamer;
    static DtlsIdentity viewer;

    @BeforeAll
    static void identities() {
        streamer = DtlsIdentity.generate("carsight-test");
        viewer = DtlsIdentity.generate("viewer");
    }

    @Test
    void fingerprintIsSha256InSdpForm() {
        assertThat(streamer.fingerprint()).matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void handshakeAgreesOnSrtpKeysThatInteroperate() throws Exception {
        DtlsWarmup.MemoryPipe[] pipe = DtlsWarmup.MemoryPipe.pair(1200);
        pipe[1].dropFirst(1); // the first ClientHello is lost: retransmission must recover
        CompletableFuture<SrtpKeys> server = CompletableFuture.supplyAsync(() -> {
            try {
                return new DtlsServer(streamer).accept(pipe[0], viewer.fingerprint().toLowerCase());
            } catch (DtlsException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] material = DtlsWarmup.connect(pipe[1], viewer);
        SrtpKeys streamerKeys = server.get(30, TimeUnit.SECONDS);
        SrtpKeys viewerKeys = SrtpKeys.forClient(material);

        byte[] rtp = new RtpPacket(96, false, 7, 90_000, 42, List.of(), new byte[]{9, 8, 7}).toBytes();
        assertThat(viewerKeys.inbound().unprotectRtp(streamerKeys.outbound().protectRtp(rtp))).isEqualTo(rtp);
    }

    @Test
    void whenOurLastFlightIsLostTheViewerStillFinishesBecauseTheChannelIsServiced() throws Exception {
        DtlsWarmup.MemoryPipe[] pipe = DtlsWarmup.MemoryPipe.pair(1200);
        pipe[0].dropFirstRecordOfType(20); // the server's ChangeCipherSpec + Finished never arrive the first time
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try {
                DtlsServer.Association association = new DtlsServer(streamer).handshake(pipe[0], viewer.fingerprint());
                byte[] buffer = new byte[2048];
                while (open.get() && association.service(buffer, 100)) {
                    // as a session's receive loop does with each DTLS datagram
                }
            } catch (DtlsException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<byte[]> client = CompletableFuture.supplyAsync(() -> {
            try {
                return DtlsWarmup.connect(pipe[1], viewer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(client.get(30, TimeUnit.SECONDS)).hasSize(60);
        open.set(false);
        server.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCertificateThatDoesNotMatchTheSdpFingerprintIsRefused() {
        DtlsWarmup.MemoryPipe[] pipe = DtlsWarmup.MemoryPipe.pair(1200);
        DtlsIdentity impostor = DtlsIdentity.generate("impostor");
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try {
                DtlsWarmup.connect(pipe[1], impostor);
            } catch (Exception ignored) {
                // the server's alert ends the client too
            }
        });
        assertThatThrownBy(() -> new DtlsServer(streamer).accept(pipe[0], viewer.fingerprint()))
                .isInstanceOf(DtlsException.class)
                .hasMessageContaining("does not match");
        client.cancel(true);
    }

    @Test
    void garbageInsteadOfAHandshakeFailsCleanly() {
        DtlsWarmup.MemoryPipe[] pipe = DtlsWarmup.MemoryPipe.pair(1200);
        pipe[1].inject(new byte[]{22, (byte) 0xFE, (byte) 0xFD, 0, 0, 1, 2, 3});
        pipe[1].inject("definitely not DTLS".getBytes());
        assertThatThrownBy(() -> new DtlsServer(streamer, 1500).accept(pipe[0], viewer.fingerprint()))
                .isInstanceOf(DtlsException.class);
    }

    @Test
    void warmupCompletes() {
        assertThat(DtlsWarmup.run(streamer)).isGreaterThanOrEqualTo(0);
    }
}
