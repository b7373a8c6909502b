package carsight.protocol.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A certificate's SHA-256 fingerprint as both ends write it: uppercase hex pairs joined by colons, the form of an
 * SDP {@code a=fingerprint:sha-256 …} line (RFC 8122) without its algorithm name. The streamer prints its own; the
 * console pins what it saw.
 */
public final class CertificateFingerprint {

    private CertificateFingerprint() {
    }

    /** SHA-256 of a DER-encoded certificate, e.g. {@code AB:CD:…} (32 pairs). */
    public static String sha256(byte[] der) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
