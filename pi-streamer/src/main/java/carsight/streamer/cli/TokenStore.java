package carsight.streamer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The streamer's access token when none is given: 128 random bits, URL-safe, made once and kept in the state
 * directory (readable by its owner only), so a viewer's saved token keeps working across restarts.
 */
public final class TokenStore {

    private TokenStore() {
    }

    public static String loadOrCreate(Path stateDirectory) throws IOException {
        return loadOrCreate(stateDirectory, "token");
    }

    /** A secret of the same kind kept in {@code name} in the state directory (e.g. the relay mountpoint's). */
    public static String loadOrCreate(Path stateDirectory, String name) throws IOException {
        Path file = stateDirectory.resolve(name);
        if (Files.isRegularFile(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() >= 8) {
                return token;
            }
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(stateDirectory);
        Path temp = Files.createTempFile(stateDirectory, name, ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions must do
        }
        Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }
}
