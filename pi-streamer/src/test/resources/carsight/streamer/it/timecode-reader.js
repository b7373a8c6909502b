// The test pattern's frame timecode (README "Frame timecode") read back from a <video>'s presented frame through a
// canvas: carsightCaptureMicros(video, meta) gives the frame's capture time (µs since the epoch, a BigInt), or null when
// the picture holds no valid timecode; carsightTimecode(video, meta) gives capture → display in ms. meta is
// requestVideoFrameCallback's metadata (expectedDisplayTime is the display time).
const carsightCaptureMicros = (() => {
  const crc8 = v => { let c = 0; for (let s = 40; s >= 0; s -= 8) { c ^= Number((v >> BigInt(s)) & 0xffn);
    for (let b = 0; b < 8; b++) c = (c & 0x80) ? ((c << 1) ^ 7) & 0xff : (c << 1) & 0xff; } return c; };
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  return (video, meta) => {
    const w = video.videoWidth, cell = Math.floor(w / 64);
    if (cell < 1) return null;
    canvas.width = w; canvas.height = cell;
    ctx.drawImage(video, 0, 0, w, cell, 0, 0, w, cell);
    const px = ctx.getImageData(0, 0, w, cell).data;
    let word = 0n;
    for (let i = 0; i < 64; i++) {
      const o = ((cell >> 1) * w + i * cell + (cell >> 1)) * 4;
      word = (word << 1n) | ((299 * px[o] + 587 * px[o + 1] + 114 * px[o + 2]) / 1000 >= 128 ? 1n : 0n);
    }
    const time = (word >> 12n) & ((1n << 48n) - 1n);
    if ((word >> 60n) !== 10n || crc8(time) !== Number((word >> 4n) & 0xffn)) return null;
    const shown = BigInt(Math.round((performance.timeOrigin + meta.expectedDisplayTime) * 1000));
    let capture = (shown & ~((1n << 48n) - 1n)) | time;
    if (capture > shown + (1n << 47n)) capture -= (1n << 48n);
    return capture;
  };
})();
const carsightMillisSince = (captureMicros, time) =>
  Number(BigInt(Math.round((performance.timeOrigin + time) * 1000)) - captureMicros) / 1000;
const carsightTimecode = (video, meta) => {
  const capture = carsightCaptureMicros(video, meta);
  return capture === null ? null : carsightMillisSince(capture, meta.expectedDisplayTime);
};

// carsightRecordTruth(video, each): from now on reads every presented frame's timecode, keeping the truth in
// window.carsightTruth (ms), window.carsightSeries ([wall-clock ms, truth ms]) and window.carsightFirstFrame (ms after
// window.carsightStart), and capture → arrival of the frame's last packet in window.carsightArrival (ms; WebRTC video
// only: metadata's receiveTime), which leaves out decoding and the browser's display clock; calls each(truth) for
// every presented frame (truth null without a valid timecode), if given.
function carsightRecordTruth(video, each) {
  window.carsightTruth = []; window.carsightSeries = []; window.carsightArrival = []; window.carsightFirstFrame = null;
  if (window.carsightStart === undefined) window.carsightStart = performance.now();
  const onFrame = (now, meta) => {
    if (window.carsightFirstFrame === null) window.carsightFirstFrame = now - window.carsightStart;
    const capture = carsightCaptureMicros(video, meta);
    const truth = capture === null ? null : carsightMillisSince(capture, meta.expectedDisplayTime);
    if (capture !== null && meta.receiveTime !== undefined) {
      window.carsightArrival.push(carsightMillisSince(capture, meta.receiveTime));
    }
    if (truth !== null) {
      window.carsightTruth.push(truth);
      window.carsightSeries.push([Math.round(performance.timeOrigin + now), truth]);
    }
    if (each) each(truth);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}
