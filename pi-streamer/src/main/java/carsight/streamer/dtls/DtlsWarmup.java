package carsight.streamer.dtls;

import carsight.streamer.srtp.SrtpKeys;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One complete DTLS-SRTP handshake in memory, client and server in this JVM. Run at start so class loading and JIT
 * for BouncyCastle happen before the first viewer arrives (seconds on a Pi Zero), and used by tests as a DTLS client.
 */
public final class DtlsWarmup {

    private static final System.Logger LOG = System.getLogger(DtlsWarmup.class.getName());

    private DtlsWarmup() {
    }

    /** Performs the handshake and returns how long it took, in milliseconds. */
    public static long run(DtlsIdentity serverIdentity) {
        long start = System.nanoTime();
        try {
            DtlsIdentity clientIdentity = DtlsIdentity.generate("carsight-warmup");
            MemoryPipe[] pipe = MemoryPipe.pair(1200);
            CompletableFuture<SrtpKeys> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return new DtlsServer(serverIdentity).accept(pipe[0], clientIdentity.fingerprint());
                } catch (DtlsException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            connect(pipe[1], clientIdentity);
            server.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "DTLS warm-up failed ({0}); the first viewer will connect slower",
                    e.getMessage());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.log(System.Logger.Level.INFO, "DTLS ready: warm-up handshake took {0} ms", millis);
        return millis;
    }

    /** Runs a DTLS client with use_srtp and this identity; returns the 60 bytes of SRTP keying material. */
    public static byte[] connect(DatagramTransport transport, DtlsIdentity identity) throws IOException {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        byte[][] material = new byte[1][];
        DefaultTlsClient client = new DefaultTlsClient(crypto) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public Hashtable getClientExtensions() throws IOException {
                Hashtable extensions = super.getClientExtensions();
                TlsSRTPUtils.addUseSRTPExtension(extensions,
                        new UseSRTPData(new int[]{SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
                return extensions;
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                        // the fingerprint check is the server's business in these in-memory runs
                    }

                    @Override
                    public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                        Certificate chain = new Certificate(new org.bouncycastle.tls.crypto.TlsCertificate[]{
                                crypto.createCertificate(identity.certificateDer())});
                        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                                identity.privateKey(), chain,
                                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                    }
                };
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                material[0] = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.MATERIAL_LENGTH);
            }
        };
        new DTLSClientProtocol().connect(client, transport);
        return material[0];
    }

    /** Two datagram endpoints joined by queues, optionally dropping the first packets each way. */
    public static final class MemoryPipe implements DatagramTransport {
        private final BlockingQueue<byte[]> in;
        private final BlockingQueue<byte[]> out;
        private final int mtu;
        private int dropFirst;
        private int dropRecordType = -1;

        private MemoryPipe(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out, int mtu) {
            this.in = in;
            this.out = out;
            this.mtu = mtu;
        }

        public static MemoryPipe[] pair(int mtu) {
            BlockingQueue<byte[]> a = new ArrayBlockingQueue<>(256);
            BlockingQueue<byte[]> b = new ArrayBlockingQueue<>(256);
            return new MemoryPipe[]{new MemoryPipe(a, b, mtu), new MemoryPipe(b, a, mtu)};
        }

        /** Loses the next {@code count} datagrams this end sends, to exercise retransmission. */
        public MemoryPipe dropFirst(int count) {
            this.dropFirst = count;
            return this;
        }

        /** Loses the first datagram this end sends that starts with a record of {@code contentType}. */
        public MemoryPipe dropFirstRecordOfType(int contentType) {
            this.dropRecordType = contentType;
            return this;
        }

        /** Puts raw bytes on the wire towards the other end, as an attacker could. */
        public void inject(byte[] datagram) {
            out.offer(datagram.clone());
        }

        @Override
        public int getReceiveLimit() {
            return mtu;
        }

        @Override
        public int getSendLimit() {
            return mtu;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] p = in.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (p == null) {
                    return -1;
                }
                int n = Math.min(len, p.length);
                System.arraycopy(p, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            if (dropFirst > 0) {
                dropFirst--;
                return;
            }
            if (dropRecordType >= 0 && len > 0 && (buf[off] & 0xFF) == dropRecordType) {
                dropRecordType = -1;
                return;
            }
            out.offer(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }
}
