package carsight.streamer.srtp;

import java.util.Arrays;

/**
 * The two SRTP directions of a DTLS-SRTP association (RFC 5764 §4.2), from the 60 bytes the {@code EXTRACTOR-dtls_srtp}
 * exporter gives: client write key (16) · server write key (16) · client write salt (14) · server write salt (14).
 *
 * @param outbound protects what this side sends
 * @param inbound  checks and decrypts what the other side sends
 */
public record SrtpKeys(SrtpContext outbound, SrtpContext inbound) {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    public static final int MATERIAL_LENGTH = 2 * (KEY_LENGTH + SALT_LENGTH);

    /** Contexts for the DTLS server (the streamer): it sends with the server key and salt. */
    public static SrtpKeys forServer(byte[] material) {
        return split(material, true);
    }

    /** Contexts for the DTLS client (a viewer, in tests). */
    public static SrtpKeys forClient(byte[] material) {
        return split(material, false);
    }

    private static SrtpKeys split(byte[] m, boolean server) {
        if (m.length != MATERIAL_LENGTH) {
            throw new IllegalArgumentException("DTLS-SRTP keying material must be " + MATERIAL_LENGTH + " bytes, got " + m.length);
        }
        byte[] clientKey = Arrays.copyOfRange(m, 0, 16);
        byte[] serverKey = Arrays.copyOfRange(m, 16, 32);
        byte[] clientSalt = Arrays.copyOfRange(m, 32, 46);
        byte[] serverSalt = Arrays.copyOfRange(m, 46, 60);
        SrtpContext client = new SrtpContext(clientKey, clientSalt);
        SrtpContext serverSide = new SrtpContext(serverKey, serverSalt);
        return server ? new SrtpKeys(serverSide, client) : new SrtpKeys(client, serverSide);
    }
}
