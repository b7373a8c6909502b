package carsight.streamer.camera;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the camera {@code --camera} names: auto, rpicam, test-pattern (test-pattern:road for the road scene, whose
 * texture and motion use the bitrate as a camera on a road does) or file:PATH.
 */
public final class CameraFactory {

    private static final System.Logger LOG = System.getLogger(CameraFactory.class.getName());

    private CameraFactory() {
    }

    public static Camera create(String name, CameraSettings settings) throws IOException {
        if (name.startsWith("file:")) {
            return new FileCamera(Path.of(name.substring("file:".length())), 0);
        }
        switch (name) {
            case "rpicam" -> {
                return new RpicamCamera(findOnPath("rpicam-vid").or(() -> findOnPath("libcamera-vid"))
                        .orElseThrow(() -> new CameraException("--camera rpicam: neither rpicam-vid nor libcamera-vid is "
                                + "installed — install rpicam-apps")), settings);
            }
            case "test-pattern" -> {
                return testPattern(settings, false);
            }
            case "test-pattern:road" -> {
                return testPattern(settings, true);
            }
            case "auto" -> {
                Optional<String> program = findOnPath("rpicam-vid").or(() -> findOnPath("libcamera-vid"));
                if (program.isPresent()) {
                    LOG.log(System.Logger.Level.INFO, "camera: auto → {0}", program.get());
                    return new RpicamCamera(program.get(), settings);
                }
                LOG.log(System.Logger.Level.WARNING, "camera: auto → TEST PATTERN: neither rpicam-vid nor libcamera-vid "
                        + "is installed, so no real camera is used. Install rpicam-apps on the Pi, or pass --camera.");
                return testPattern(settings, false);
            }
            default -> throw new CameraException("--camera must be auto, rpicam, test-pattern, test-pattern:road or "
                    + "file:PATH, got '" + name + "'");
        }
    }

    private static Camera testPattern(CameraSettings settings, boolean road) {
        Optional<String> ffmpeg = findOnPath("ffmpeg");
        if (ffmpeg.isEmpty()) {
            return new JCodecPatternCamera(settings); // slower, and says so loudly
        }
        return new TestPatternCamera(settings, ffmpeg.get(), road);
    }

    static Optional<String> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
