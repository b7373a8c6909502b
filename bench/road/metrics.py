#!/usr/bin/env python3
"""metrics: one result row of the road benchmark from one run's files (Python 3.11, standard library only).

    python3 bench/road/metrics.py --frames FILE.json --frames-path stats.truthSeries \\
        --stats LINKSTATS.jsonl [--trace FILE --trace-offset S] [--camera-max-bps 1500000] \\
        --window-start-unix-ms A --window-end-unix-ms B [--first-frame-ms X]

prints one JSON object. Inputs:

  --frames, --frames-path  a receiver's JSON file and the dotted path to its truthSeries inside it (Chromium probe:
                  `stats.truthSeries`; console report: `truthSeries`; a number in the path indexes a list): a list of
                  [wall-clock Unix ms when a frame was shown, truth ms = shown − capture], one pair per frame shown
                  (from the picture's timecode). Order does not matter; pairs that are not two numbers are skipped,
                  exact duplicates count once. A missing file or path gives no frames (and a note).
  --stats         roadlink's --stats file (bench/link/roadlink.py): per-second lines {"dir": "up", "s": n, ...} and
                  the closing {"dir": "up", "summary": true, "t0_unix": ...}, the Unix time (s) of the start of
                  second 0. Without it (or without its summary line) every link field is null.
  --trace, --trace-offset  the Mahimahi trace the uplink replayed and where in it (s) the link started.
  --camera-max-bps  the most the camera's stream could use (default 1500000).
  --window-start-unix-ms, --window-end-unix-ms  the window [A, B) measured, in wall-clock Unix ms.
  --first-frame-ms  the receiver's own time to its first picture (its report's firstFrameMs), copied into the row as
                  `firstFrameMs` (null when not given or negative); it changes nothing else.

Output fields (ms are milliseconds, shares 0..1, null where there is nothing to measure):

  windowStartUnixMs, windowEndUnixMs, windowS   the window
  frames, fps                   frames shown in [A, B) and frames / window seconds
  truthP50Ms, truthP95Ms, truthP99Ms            per-frame truth of those frames, nearest-rank percentiles
  freshShare200, freshShare300, freshShare500   the share of the window's TIME the picture on screen was at most
                                200 / 300 / 500 ms old
  ageP50Ms, ageP95Ms            the picture's age over time, nearest-rank percentiles of the samples
  ageMaxMs                      the largest age while a picture was on screen
  noPictureMs                   time in the window with no picture yet
  longestGapMs                  the longest time without a new picture in the window, counting A → the first frame
                                in the window and the last one → B (the whole window when none came)
  carriedMbps                   mean bits/s that crossed the uplink, over the stats seconds wholly inside the window
  usableMbps                    mean of min(camera maximum, the link's capacity) per second over the same seconds
                                (unlimited capacity: the camera maximum)
  capacityMbps                  mean capacity over those seconds (null if any second was unlimited)
  usedShare                     carriedMbps / usableMbps
  linkSeconds                   how many stats seconds those means cover
  traceOutageMs                 the longest time inside the window with no delivery chance on the uplink
  couldReachShare200, couldReachShare300, couldReachShare500  the share of the window a sender could at best have
                                kept the picture at most 200 / 300 / 500 ms old (below)
  outageSource                  "trace" (exact chances from --trace) or "stats" (coarse, from the per-second
                                capacity), null without link data
  firstFrameMs                  as given by --first-frame-ms
  notes                         what was missing or assumed, as sentences (empty list when nothing)
  ageSeries                     the age over time for plots: [seconds since A, ms] every 200 ms, each point the
                                largest 10 ms sample of its 200 ms (so no freeze is hidden between points),
                                capped at 10000 ms ("no picture" shows as 10000)

The picture's age over time (Salsify's "video delay", Fouladi et al., NSDI 2018): at each moment t,
age(t) = t − the capture time (shown − truth) of the frame shown most recently at or before t; it grows by itself
while no new frame comes. Frames shown before A count: the picture on screen when the window opens is theirs. Among
frames shown at the same millisecond the one captured last is taken. age is sampled every 10 ms at A, A+10, ... < B;
each sample stands for 10 ms of time. Before the first frame ever shown there is no picture: its samples count as
infinitely old (stale for every share). The percentiles run over all samples, "no picture" ones as infinite, and
are null when they land on one (more than 50 % / 5 % of the time without any picture); ageMaxMs leaves them out and
noPictureMs says how much there was. A console report keeps only its last minute of frames: a window reaching
further back than its truthSeries sees "no picture" there.

What a sender could reach: with a delivery chance at c_i and the next at c_(i+1), the newest picture that could
have crossed by time t was captured no later than the last chance before t, so its age is at least t − c_i. The
time with that bound above a threshold H is the part of (c_i + H, c_(i+1)) inside the window; couldReachShareH is
one minus its sum over all gaps, divided by the window (1 − Σ max(0, gap − H) / window for gaps wholly inside it).
Before the first chance there is nothing to show (stale). It is an upper bound: it ignores the link's fixed delay,
encoding and that a frame usually needs several chances. The window is clipped to the time the link ran (from its
second 0; with stats only, up to its last per-second line) for these figures.

  Trace: chances at Unix ms t0 + T − (offset mod P) + k·P for each trace line T and cycle k ≥ 0 (in cycle 0 only
  the lines T ≥ offset mod P), the period P being the trace's last value: Mahimahi's LinkQueue
  (src/frontend/link_queue.cc) wraps with `base_timestamp_ += schedule_.back()`, so the last line's chance and the
  first line's chance of the next cycle are both taken (for a trace starting at 0 they coincide), as roadlink does.
  Stats only: each second with capacity C has C / 1500 chances taken as evenly spread over the second (at most one a
  millisecond; unlimited capacity: one a millisecond); seconds with capacity 0 have none. Outages are then known to
  the second, not the millisecond.

Link seconds: second s of the stats covers [t0 + s, t0 + s + 1) Unix s; `capacity` is the bytes its chances could
carry (null: unlimited), `delivered` the bytes that crossed the link in it (everything on the uplink, RTCP and
retransmissions included).
"""
import argparse
import bisect
import json
import math
import sys

STEP_MS = 10          # age sampling grid
# a truth below this (capture after display, beyond clock and rounding slack) is a misread timecode
IMPLAUSIBLE_TRUTH_MS = -50
SERIES_MS = 200       # one ageSeries point per this much time
SERIES_CAP_MS = 10000
THRESHOLDS = (200, 300, 500)
CHANCE_BYTES = 1500
INF = math.inf


# ---------------------------------------------------------------------------------------------------- frames

def dotted(obj, path):
    """obj['a']['b'][0] for 'a.b.0'; None when any step is missing."""
    for key in [k for k in (path or "").split(".") if k]:
        if isinstance(obj, dict):
            obj = obj.get(key)
        elif isinstance(obj, list) and key.lstrip("-").isdigit() and -len(obj) <= int(key) < len(obj):
            obj = obj[int(key)]
        else:
            return None
    return obj


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def clean_pairs(series):
    """[shown, truth] pairs that are two finite numbers, exact duplicates once, sorted by shown time."""
    pairs = set()
    for p in series or []:
        if isinstance(p, (list, tuple)) and len(p) >= 2 and _number(p[0]) and _number(p[1]):
            pairs.add((float(p[0]), float(p[1])))
    return sorted(pairs)


def load_frames(path, frames_path, notes):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        notes.append(f"frames: {path} could not be read ({e.__class__.__name__}): no frames")
        return []
    series = dotted(doc, frames_path)
    if not isinstance(series, list):
        notes.append(f"frames: no list at '{frames_path}' in {path}: no frames")
        return []
    pairs = clean_pairs(series)
    # A picture decoded from a broken reference (a lost packet, no keyframe since) shows garbage where the timecode
    # was; its CRC-8 and sync bits let about one garbage word in 4096 through. A capture time after the picture was
    # shown is such a misreading: left out, and counted.
    plausible = [p for p in pairs if p[1] >= IMPLAUSIBLE_TRUTH_MS]
    if len(plausible) < len(pairs):
        notes.append(f"frames: {len(pairs) - len(plausible)} timecode(s) read as captured after they were shown "
                     f"(a misread picture): left out")
    return plausible


def screen(pairs):
    """[(shown, capture)] of the picture that went on screen at each distinct shown time, sorted: among frames shown
    at the same moment the one captured last."""
    out = []
    for shown, truth in sorted(pairs):
        capture = shown - truth
        if out and out[-1][0] == shown:
            out[-1] = (shown, max(out[-1][1], capture))
        else:
            out.append((shown, capture))
    return out


def age_samples(pairs, a, b, step=STEP_MS):
    """The age at A, A+step, ... < B (ms; INF before any picture)."""
    shown = screen(pairs)
    out, i, capture = [], 0, None
    n = max(0, math.ceil((b - a) / step))
    for k in range(n):
        t = a + k * step
        while i < len(shown) and shown[i][0] <= t:
            capture = shown[i][1]
            i += 1
        out.append(INF if capture is None else t - capture)
    return out


def rank(sorted_values, q):
    """Nearest-rank percentile of a sorted list (None when empty)."""
    if not sorted_values:
        return None
    index = math.ceil(q * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, index))]


def _ms(x):
    return None if x is None or not math.isfinite(x) else round(x, 1)


def age_figures(samples, step=STEP_MS):
    s = sorted(samples)
    finite = [x for x in s if math.isfinite(x)]
    out = {}
    for h in THRESHOLDS:
        out[f"freshShare{h}"] = round(bisect.bisect_right(s, h) / len(s), 4) if s else 0.0
    out["ageP50Ms"] = _ms(rank(s, 0.50))
    out["ageP95Ms"] = _ms(rank(s, 0.95))
    out["ageMaxMs"] = _ms(finite[-1]) if finite else None
    out["noPictureMs"] = (len(s) - len(finite)) * step
    return out


def age_series(samples, step=STEP_MS, every=SERIES_MS, cap=SERIES_CAP_MS):
    """[s since A, largest age of the samples in each `every` ms] pairs, values capped."""
    per = max(1, every // step)
    out = []
    for k in range(0, len(samples), per):
        worst = max(samples[k:k + per])
        out.append([round(k * step / 1000, 3), round(min(worst, cap), 1)])
    return out


def frame_figures(pairs, a, b):
    inside = [(s, t) for s, t in pairs if a <= s < b]
    truths = sorted(t for _, t in inside)
    seconds = (b - a) / 1000
    times = sorted({s for s, _ in inside})
    edges = [a] + times + [b]
    return {
        "frames": len(inside),
        "fps": round(len(inside) / seconds, 2) if seconds > 0 else None,
        "truthP50Ms": _ms(rank(truths, 0.50)),
        "truthP95Ms": _ms(rank(truths, 0.95)),
        "truthP99Ms": _ms(rank(truths, 0.99)),
        "longestGapMs": _ms(max(y - x for x, y in zip(edges, edges[1:]))),
    }


# ---------------------------------------------------------------------------------------------------- link stats

def load_stats(path, direction="up"):
    """(t0 Unix ms or None, {second: line}) of one direction of a roadlink stats file; None when unreadable."""
    try:
        with open(path) as f:
            lines = f.readlines()
    except OSError:
        return None
    t0, seconds = None, {}
    for text in lines:
        try:
            line = json.loads(text)
        except ValueError:
            continue  # a line cut short when the emulator was killed
        if not isinstance(line, dict) or line.get("dir") != direction:
            continue
        if line.get("summary") is True:
            if _number(line.get("t0_unix")):
                t0 = line["t0_unix"] * 1000
        elif isinstance(line.get("s"), int) and not isinstance(line.get("s"), bool):
            seconds[line["s"]] = line
    return t0, seconds


def link_figures(t0, seconds, a, b, camera_max_bps):
    """Means over the stats seconds wholly inside [a, b] (1 ms of slack for t0's rounding)."""
    inside = [seconds[s] for s in sorted(seconds)
              if t0 + s * 1000 >= a - 1 and t0 + (s + 1) * 1000 <= b + 1]
    out = dict.fromkeys(("carriedMbps", "usableMbps", "capacityMbps", "usedShare"))
    out["linkSeconds"] = len(inside)
    if not inside:
        return out
    carried = sum(8 * (line.get("delivered") or 0) for line in inside) / len(inside)
    caps = [line.get("capacity") for line in inside]
    usable = sum(camera_max_bps if c is None else min(camera_max_bps, 8 * c) for c in caps) / len(inside)
    out["carriedMbps"] = round(carried / 1e6, 4)
    out["usableMbps"] = round(usable / 1e6, 4)
    out["capacityMbps"] = None if any(c is None for c in caps) else round(8 * sum(caps) / len(caps) / 1e6, 4)
    out["usedShare"] = round(carried / usable, 4) if usable > 0 else None
    return out


# ---------------------------------------------------------------------------------------------------- chances

def load_trace(path):
    with open(path) as f:
        times = [int(line) for line in f if line.strip()]
    if not times or times[-1] <= 0 or times != sorted(times):
        raise ValueError(f"{path}: a trace is non-decreasing millisecond offsets ending above 0")
    return times


def trace_chances(times, offset_s, lo, hi):
    """Chances (link ms, second 0 at 0) of a repeating trace started offset_s into it: the last one before lo (or
    None) and every one in [lo, hi], sorted. Only link times >= 0 exist."""
    period = times[-1]
    shift = (offset_s * 1000) % period
    first = bisect.bisect_left(times, shift)  # cycle 0 starts at the line at or after the offset

    def cycle(k, x_lo, x_hi):
        base = k * period - shift
        i0 = bisect.bisect_left(times, x_lo - base)
        i1 = bisect.bisect_right(times, x_hi - base)
        if k == 0:
            i0 = max(i0, first)
        return [base + times[i] for i in range(i0, i1)]

    lo = max(lo, 0)
    prev = None
    k = int((lo + shift) // period)
    while k >= 0 and prev is None:
        base = k * period - shift
        j = bisect.bisect_left(times, lo - base) - 1
        if j >= (first if k == 0 else 0):
            prev = base + times[j]
        k -= 1
    out = []
    for k in range(max(0, int((lo + shift) // period) - 1), int((hi + shift) // period) + 2):
        out.extend(c for c in cycle(k, lo, hi) if lo <= c <= hi)
    return prev, sorted(out)


def stats_chances(seconds, lo, hi):
    """Chances (link ms) guessed from per-second capacity: C / 1500 a second spread evenly (at most one a ms;
    unlimited: one a ms). Same shape as trace_chances."""
    def of(s):
        cap = seconds[s].get("capacity") if s in seconds else 0
        n = 1000 if cap is None else min(1000, int(cap // CHANCE_BYTES))
        return [s * 1000 + (j + 0.5) * 1000 / n for j in range(n)]

    lo = max(lo, 0)
    prev = None
    s = math.floor(lo / 1000)
    while s >= 0 and prev is None:
        before = [c for c in of(s) if c < lo]
        prev = before[-1] if before else None
        s -= 1
    out = []
    for s in range(math.floor(lo / 1000), math.floor(hi / 1000) + 1):
        out.extend(c for c in of(s) if lo <= c <= hi)
    return prev, out


def reach_figures(prev, chances, lo, hi):
    """traceOutageMs and couldReachShareH over [lo, hi] from the chances (see the module's docstring)."""
    span = hi - lo
    out = {"traceOutageMs": None, **{f"couldReachShare{h}": None for h in THRESHOLDS}}
    if span <= 0:
        return out
    stale = dict.fromkeys(THRESHOLDS, 0.0)
    longest = 0.0
    points = ([prev] if prev is not None else []) + list(chances)
    if not points or points[0] > lo:  # nothing crossed yet: no picture until the first chance
        first = points[0] if points else hi
        longest = max(longest, first - lo)
        for h in THRESHOLDS:
            stale[h] += first - lo
    for i, c in enumerate(points):
        nxt = points[i + 1] if i + 1 < len(points) else hi
        longest = max(longest, min(nxt, hi) - max(c, lo))
        for h in THRESHOLDS:
            stale[h] += max(0.0, min(nxt, hi) - max(c + h, lo))
    out["traceOutageMs"] = round(longest, 1)
    for h in THRESHOLDS:
        out[f"couldReachShare{h}"] = round(1 - stale[h] / span, 4)
    return out


# ---------------------------------------------------------------------------------------------------- a row

def compute(pairs, a, b, stats=None, trace=None, trace_offset=0.0, camera_max_bps=1_500_000,
            first_frame_ms=None, notes=None):
    """The row for frames `pairs` ([shown, truth]), window [a, b) Unix ms, stats = load_stats(...) or None,
    trace = load_trace(...) or None."""
    notes = list(notes or [])
    pairs = clean_pairs(pairs)
    samples = age_samples(pairs, a, b)
    row = {"windowStartUnixMs": a, "windowEndUnixMs": b, "windowS": round((b - a) / 1000, 3)}
    row.update(frame_figures(pairs, a, b))
    row.update(age_figures(samples))
    if not pairs:
        notes.append("no frames: the whole window counts as no picture")
    elif samples and not math.isfinite(samples[0]):
        notes.append("no picture when the window opened: the time to the first frame counts as stale")

    link = {"carriedMbps": None, "usableMbps": None, "capacityMbps": None, "usedShare": None, "linkSeconds": 0,
            "traceOutageMs": None, **{f"couldReachShare{h}": None for h in THRESHOLDS}, "outageSource": None}
    if stats is None:
        notes.append("no link stats: link fields null")
    elif stats[0] is None:
        notes.append("link stats have no summary line for dir up (t0_unix unknown): link fields null")
    else:
        t0, seconds = stats
        link.update(link_figures(t0, seconds, a, b, camera_max_bps))
        lo = max(a - t0, 0)
        if trace is not None:
            hi = b - t0
            prev, chances = trace_chances(trace, trace_offset, lo, hi)
            source = "trace"
        else:
            hi = min(b - t0, (max(seconds) + 1) * 1000) if seconds else lo
            prev, chances = stats_chances(seconds, lo, hi)
            source = "stats"
        if hi - lo < b - a:
            notes.append(f"the link ran for {max(0.0, hi - lo):.0f} ms of the window: outage and could-reach "
                         "figures cover that part only")
        if hi > lo:
            link.update(reach_figures(prev, chances, lo, hi))
            link["outageSource"] = source
    row.update(link)
    row["firstFrameMs"] = first_frame_ms if _number(first_frame_ms) and first_frame_ms >= 0 else None
    row["notes"] = notes
    row["ageSeries"] = age_series(samples)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", required=True, help="the receiver's JSON file")
    parser.add_argument("--frames-path", default="truthSeries",
                        help="dotted path to its truthSeries (stats.truthSeries, truthSeries)")
    parser.add_argument("--stats", help="roadlink's --stats file (JSON lines)")
    parser.add_argument("--trace", help="the Mahimahi trace the uplink replayed")
    parser.add_argument("--trace-offset", type=float, default=0.0, help="seconds into the trace the link started")
    parser.add_argument("--camera-max-bps", type=float, default=1_500_000)
    parser.add_argument("--window-start-unix-ms", type=float, required=True)
    parser.add_argument("--window-end-unix-ms", type=float, required=True)
    parser.add_argument("--first-frame-ms", type=float, help="the receiver's time to first picture, copied")
    args = parser.parse_args(argv)
    a, b = args.window_start_unix_ms, args.window_end_unix_ms
    if not b > a:
        parser.error("the window must end after it starts")
    notes = []
    pairs = load_frames(args.frames, args.frames_path, notes)
    stats = None
    if args.stats:
        stats = load_stats(args.stats)
        if stats is None:
            notes.append(f"link stats: {args.stats} could not be read")
    trace = load_trace(args.trace) if args.trace else None
    a = int(a) if a.is_integer() else a
    b = int(b) if b.is_integer() else b
    ff = args.first_frame_ms
    ff = int(ff) if ff is not None and ff.is_integer() else ff
    row = compute(pairs, a, b, stats, trace, args.trace_offset, args.camera_max_bps, ff, notes)
    json.dump(row, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
