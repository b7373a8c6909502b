package carsight.streamer.it;

import java.nio.file.Path;

/**
 * Headless Chromium watching a Janus streaming-plugin mountpoint (the latency lab's outside anchor: Janus fed by the
 * streamer's {@code --rtp-forward}), with the true latency of every frame read from the picture — the same truth and
 * the same output as {@link ChromiumWhepProbe}, so the two paths compare directly.
 *
 * <p>The page drives Janus's plain HTTP API itself: create a session, attach {@code janus.plugin.streaming},
 * {@code watch} the mountpoint, answer Janus's offer (candidates gathered into the answer, so nothing is trickled
 * Janus's way), {@code start}, {@code configure} playout-delay 0,0 (the mountpoint offers the extension) as the
 * streamer sends its viewers, and long-poll the session for events
 * (which also keeps it alive). It runs on Janus's own origin ({@code /janus/info}), so no CORS is involved.
 *
 * <p>Arguments: {@code JANUS_URL MOUNTPOINT_ID SECONDS OUTPUT.json}, e.g. {@code http://198.51.100.1:8088 1 27 out.json}.
 */
public final class ChromiumJanusProbe {

    private static final String PULL = """
            const [mountpoint, done] = [arguments[0], arguments[arguments.length - 1]];
            (async () => {
              window.carsightStart = performance.now();
              let transactions = 0;
              const api = async (path, body) => {
                const response = await fetch('/janus' + path, {method: 'POST',
                    body: JSON.stringify(Object.assign({transaction: 'carsight-' + (++transactions)}, body))});
                const reply = await response.json();
                if (reply.janus === 'error') throw new Error(body.janus + ': ' + JSON.stringify(reply.error));
                return reply;
              };
              const session = (await api('', {janus: 'create'})).data.id;
              const handle = (await api('/' + session, {janus: 'attach', plugin: 'janus.plugin.streaming'})).data.id;
              const path = '/' + session + '/' + handle;
              const pc = new RTCPeerConnection();
              const video = carsightVideoFor(pc);

              // events: long poll on the session, one request at a time (each returns within 30 s), while the page lives
              const events = [];
              let wake = () => {};
              (async () => {
                for (let polls = 0; polls < 100000; polls++) {
                  try {
                    const polled = await (await fetch('/janus/' + session + '?maxev=10&rid=' + Date.now())).json();
                    for (const e of [].concat(polled)) {
                      if (e.janus === 'trickle' && e.candidate && !e.candidate.completed) pc.addIceCandidate(e.candidate).catch(() => {});
                      else if (e.janus === 'event' || e.janus === 'hangup') events.push(e);
                    }
                    wake();
                  } catch (e) {
                    await new Promise(resolve => setTimeout(resolve, 500));
                  }
                }
              })();
              const nextEvent = async (wanted, millis) => {
                const deadline = performance.now() + millis;
                for (let left = millis; left > 0; left = deadline - performance.now()) {
                  const i = events.findIndex(wanted);
                  if (i >= 0) return events.splice(i, 1)[0];
                  await new Promise(resolve => { wake = resolve; setTimeout(resolve, Math.min(left, 500)); });
                }
                throw new Error('no answer from Janus in ' + millis + ' ms; events: ' + JSON.stringify(events));
              };

              await api(path, {janus: 'message', body: {request: 'watch', id: mountpoint}});
              const offered = await nextEvent(e => e.jsep || (e.plugindata && e.plugindata.data.error), 10000);
              if (!offered.jsep) { done('watch refused: ' + JSON.stringify(offered.plugindata.data)); return; }
              await pc.setRemoteDescription(offered.jsep);
              await pc.setLocalDescription(await pc.createAnswer());
              await carsightGathered(pc);
              await api(path, {janus: 'message', body: {request: 'start'},
                               jsep: {type: 'answer', sdp: pc.localDescription.sdp}});
              // playout-delay 0,0 (Janus 1.1 takes it beside the stream's mid; later versions in a streams list)
              const mid = (/a=mid:(\\S+)/.exec(offered.jsep.sdp) || [null, 'v'])[1];
              await api(path, {janus: 'message', body: {request: 'configure', mid, min_delay: 0, max_delay: 0,
                                                        streams: [{mid, min_delay: 0, max_delay: 0}]}});
              const configured = await nextEvent(e => e.plugindata && (e.plugindata.data.error
                  || (e.plugindata.data.result && e.plugindata.data.result.event === 'configured')), 5000);
              if (configured.plugindata.data.error) { done('configure refused: ' + configured.plugindata.data.error); return; }
              window.carsightLocation = path;
              window.carsightPc = pc; window.carsightVideo = video;
              carsightRecordTruth(video);
              done('ok');
            })().catch(e => done('error: ' + e));
            """;

    private ChromiumJanusProbe() {
    }

    public static void main(String[] args) {
        HeadlessChromium.watchAndReport(args[0] + "/janus/info", PULL, new Object[]{Integer.parseInt(args[1])},
                Integer.parseInt(args[2]), Path.of(args[3]));
    }
}
