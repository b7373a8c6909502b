package carsight.streamer.it;

import java.nio.file.Path;

/**
 * Headless Chromium pulling video from a streamer over WHEP, with the true latency of every frame read from the
 * picture. Arguments: {@code STREAMER_URL TOKEN SECONDS OUTPUT.json}. Writes {@code {"pull":"ok","stats":{…}}}
 * (see {@link HeadlessChromium#watchAndReport}).
 */
public final class ChromiumWhepProbe {

    private static final String PULL = """
            const [token, done] = [arguments[0], arguments[arguments.length - 1]];
            (async () => {
              window.carsightStart = performance.now();
              const pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              const video = carsightVideoFor(pc);
              await pc.setLocalDescription(await pc.createOffer());
              await carsightGathered(pc);
              const response = await fetch('/whep', {method: 'POST',
                  headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token},
                  body: pc.localDescription.sdp});
              if (response.status !== 201) { done('whep status ' + response.status + ': ' + await response.text()); return; }
              window.carsightLocation = response.headers.get('Location');
              await pc.setRemoteDescription({type: 'answer', sdp: await response.text()});
              window.carsightPc = pc; window.carsightVideo = video;
              carsightRecordTruth(video);
              done('ok');
            })().catch(e => done('error: ' + e));
            """;

    private ChromiumWhepProbe() {
    }

    public static void main(String[] args) {
        HeadlessChromium.watchAndReport(args[0] + "/", PULL, new Object[]{args[1]}, Integer.parseInt(args[2]),
                Path.of(args[3]));
    }
}
