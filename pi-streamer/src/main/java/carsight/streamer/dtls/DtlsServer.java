package carsight.streamer.dtls;

import carsight.streamer.srtp.SrtpKeys;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;

/**
 * The streamer's side of DTLS-SRTP (RFC 5764): a DTLS 1.2 server (we answer {@code a=setup:passive}) that insists
 * on {@code use_srtp} with SRTP_AES128_CM_HMAC_SHA1_80, requires the viewer's certificate and checks it against the
 * fingerprint from the viewer's SDP, then derives the SRTP keys. Blocks the calling thread for the handshake.
 */
public final class DtlsServer {

    private static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DtlsIdentity identity;
    private final int handshakeTimeoutMillis;

    public DtlsServer(DtlsIdentity identity) {
        this(identity, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** @param handshakeTimeoutMillis how long a viewer may take to complete the handshake */
    public DtlsServer(DtlsIdentity identity, int handshakeTimeoutMillis) {
        this.identity = identity;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /**
     * Runs the handshake over {@code transport}.
     *
     * @param remoteFingerprint the viewer's {@code a=fingerprint} value, e.g. {@code sha-256 AB:…}
     * @throws DtlsException when the handshake fails, times out, or the viewer's certificate does not match
     */
    public SrtpKeys accept(DatagramTransport transport, String remoteFingerprint) throws DtlsException {
        return handshake(transport, remoteFingerprint).keys();
    }

    /**
     * The outcome of a handshake: the SRTP keys, and the DTLS channel itself. Whoever receives the viewer's datagrams
     * must have the channel read what arrives on it ({@link Association#service}) for as long as the session lives:
     * if our last flight is lost, the viewer resends its own, and only a read makes BouncyCastle answer it — otherwise
     * the viewer never finishes.
     */
    public record Association(SrtpKeys keys, DTLSTransport channel) {

        /**
         * Reads (and discards) whatever has arrived on the channel, waiting at most {@code waitMillis} for it;
         * false once the channel is closed (by the peer or by us).
         */
        public boolean service(byte[] buffer, int waitMillis) {
            try {
                channel.receive(buffer, 0, buffer.length, waitMillis);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Runs the handshake and keeps the channel; see {@link Association}. */
    public Association handshake(DatagramTransport transport, String remoteFingerprint) throws DtlsException {
        Server server = new Server(new BcTlsCrypto(RANDOM), remoteFingerprint);
        DTLSServerProtocol protocol = new DTLSServerProtocol();
        protocol.setVerifyRequests(false); // ICE connectivity checks already proved the address
        DTLSTransport dtls;
        try {
            dtls = protocol.accept(server, transport);
        } catch (TlsFatalAlert alert) {
            throw new DtlsException("DTLS handshake failed: " + AlertDescription.getText(alert.getAlertDescription())
                    + (server.failure != null ? " (" + server.failure + ")" : ""), alert);
        } catch (IOException e) {
            throw new DtlsException("DTLS handshake failed: " + e.getMessage(), e);
        }
        if (server.keyingMaterial == null) {
            throw new DtlsException("DTLS handshake finished without SRTP keying material");
        }
        return new Association(SrtpKeys.forServer(server.keyingMaterial), dtls);
    }

    private final class Server extends DefaultTlsServer {
        private final String remoteFingerprint;
        private volatile byte[] keyingMaterial;
        private volatile String failure;

        Server(BcTlsCrypto crypto, String remoteFingerprint) {
            super(crypto);
            this.remoteFingerprint = remoteFingerprint;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            Certificate chain = new Certificate(new org.bouncycastle.tls.crypto.TlsCertificate[]{
                    getCrypto().createCertificate(identity.certificateDer())});
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                    identity.privateKey(), chain, new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[]{
                    org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                    org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
                    org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA});
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            boolean ok = false;
            if (offered != null) {
                for (int profile : offered.getProtectionProfiles()) {
                    ok |= profile == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
                }
            }
            if (!ok) {
                failure = "viewer did not offer use_srtp with SRTP_AES128_CM_HMAC_SHA1_80";
                throw new TlsFatalAlert(AlertDescription.handshake_failure);
            }
        }

        @Override
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[]{SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            return new CertificateRequest(new short[]{ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            if (clientCertificate == null || clientCertificate.isEmpty()) {
                failure = "viewer sent no certificate";
                throw new TlsFatalAlert(AlertDescription.certificate_required);
            }
            String actual = DtlsIdentity.fingerprintOf(clientCertificate.getCertificateAt(0).getEncoded());
            if (remoteFingerprint != null && !DtlsIdentity.sameFingerprint(actual, remoteFingerprint)) {
                failure = "viewer certificate " + actual + " does not match its SDP fingerprint " + remoteFingerprint;
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.MATERIAL_LENGTH);
        }
    }
}
