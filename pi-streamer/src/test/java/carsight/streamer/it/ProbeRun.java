package carsight.streamer.it;

import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A receiver probe (webrtc-java or Chromium) running in a namespace, and its JSON summary. */
final class ProbeRun {

    final Process process;
    final Path output;
    final Path log;

    private ProbeRun(Process process, Path output, Path log) {
        this.process = process;
        this.output = output;
        this.log = log;
    }

    static ProbeRun webrtc(NetNamespaces net, String ns, String url, int seconds, Path dir, String... extra) throws IOException {
        Path out = Files.createTempFile(dir, "probe", ".json");
        Path log = Files.createTempFile(dir, "probe", ".log");
        List<String> args = new ArrayList<>(List.of(url, StreamerProcess.TOKEN, String.valueOf(seconds), out.toString()));
        args.addAll(List.of(extra));
        return new ProbeRun(net.start(ns, NetNamespaces.java(WebrtcReceiverProbe.class.getName(),
                args.toArray(String[]::new)), log), out, log);
    }

    static ProbeRun chromium(NetNamespaces net, String ns, String url, int seconds, Path dir) throws IOException {
        Path out = Files.createTempFile(dir, "chromium", ".json");
        Path log = Files.createTempFile(dir, "chromium", ".log");
        return new ProbeRun(net.start(ns, NetNamespaces.java(ChromiumWhepProbe.class.getName(), url, StreamerProcess.TOKEN,
                String.valueOf(seconds), out.toString()), log), out, log);
    }

    /**
     * The probe's summary once it has finished; a probe that failed (no hello, no answer, an error from the streamer,
     * no video) or hung fails the test with its reason and its log.
     */
    JsonNode result(int timeoutSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("probe did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String json = Files.readString(output);
        if (json.isBlank()) {
            throw new IllegalStateException("probe wrote no result (exit " + process.exitValue() + "):\n" + Files.readString(log));
        }
        JsonNode result = new ObjectMapper().readTree(json);
        if (process.exitValue() != 0 || result.has("failure")) {
            throw new IllegalStateException("probe failed (exit " + process.exitValue() + "): "
                    + result.path("failure").asText("?") + "\n" + result + "\n" + Files.readString(log));
        }
        return result;
    }

    /** Asks the probe to end its run now (it watches for OUTPUT.json.stop) and write its summary. */
    void stop() throws IOException {
        Files.writeString(Path.of(output + ".stop"), "stop");
    }

    /** Waits until the probe has rendered its first frame (it says so on stdout); fails if it ends first. */
    void awaitFirstFrame(int timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!Files.readString(log).contains(WebrtcReceiverProbe.FIRST_FRAME)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("probe ended before its first frame (exit " + process.exitValue() + "):\n"
                        + Files.readString(output) + "\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no frame rendered by the probe within " + timeoutSeconds + " s:\n"
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}
