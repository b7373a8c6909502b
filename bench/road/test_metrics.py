"""Tests of metrics.py on synthetic frames, traces and link stats (pure, no network, well under a second):

    python3 -m unittest bench/road/test_metrics.py -v
"""
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import metrics  # noqa: E402

A = 1_700_000_000_000  # window start, Unix ms
B = A + 10_000
FRAME_MS = 1000 / 30


def streaming_then_freeze():
    """30 fps at 50 ms from 0.5 s before A until A + 8 s, then nothing (a 2 s freeze to B)."""
    pairs, k = [], 0
    while A - 500 + k * FRAME_MS < A + 8000:
        pairs.append([A - 500 + k * FRAME_MS, 50.0])
        k += 1
    return pairs


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def stats_file(self, t0_unix, capacities, delivered=100_000, name="stats.jsonl"):
        lines = []
        for s, cap in enumerate(capacities):
            lines.append({"dir": "up", "s": s, "offered": delivered, "delivered": delivered, "capacity": cap})
            lines.append({"dir": "down", "s": s, "delivered": 5, "capacity": None})
        lines.append({"dir": "down", "summary": True, "t0_unix": t0_unix + 99, "capacity": None})
        lines.append({"dir": "up", "summary": True, "seconds": len(capacities), "t0_unix": t0_unix})
        text = "".join(json.dumps(x) + "\n" for x in lines) + '{"dir": "up", "s": 9'  # a line cut short
        return self.write(name, text)


class AgeOverTime(unittest.TestCase):

    def test_streaming_then_freeze(self):
        pairs = streaming_then_freeze()
        last = pairs[-1][0]
        row = metrics.compute(pairs, A, B)
        for h in (200, 300, 500):  # stale from the moment the last picture is h ms old until B
            stale = B - (last - 50 + h)
            self.assertAlmostEqual(row[f"freshShare{h}"], 1 - stale / 10_000, delta=0.001, msg=h)
        self.assertGreaterEqual(row["ageP50Ms"], 50)
        self.assertLessEqual(row["ageP50Ms"], 50 + FRAME_MS)
        # the last 5 % of the time, to the 10 ms grid: the 950th of 1000 samples (A + 9490), and the last (A + 9990)
        self.assertAlmostEqual(row["ageP95Ms"], B - 500 - last + 50, delta=10.1)
        self.assertAlmostEqual(row["ageP95Ms"], B - 510 - last + 50, delta=0.1)
        self.assertAlmostEqual(row["ageMaxMs"], B - last + 50, delta=10.1)
        self.assertAlmostEqual(row["ageMaxMs"], B - 10 - last + 50, delta=0.1)
        self.assertAlmostEqual(row["longestGapMs"], B - last, delta=10)
        self.assertAlmostEqual(row["longestGapMs"], 2000, delta=FRAME_MS)
        self.assertEqual(row["noPictureMs"], 0)
        self.assertEqual(row["frames"], sum(1 for s, _ in pairs if s >= A))
        self.assertAlmostEqual(row["fps"], 24, delta=0.1)  # 8 s of 30 fps over 10 s
        self.assertEqual((row["truthP50Ms"], row["truthP95Ms"], row["truthP99Ms"]), (50, 50, 50))
        series = row["ageSeries"]
        self.assertEqual(len(series), 50)
        self.assertEqual(series[0][0], 0)
        self.assertAlmostEqual(series[1][0], 0.2)
        self.assertTrue(all(50 <= ms <= 50 + FRAME_MS for _, ms in series[:39]))
        self.assertAlmostEqual(series[-1][1], B - 10 - last + 50, delta=1)  # each point the worst of its 200 ms

    def test_unsorted_and_duplicated_frames_give_the_same_row(self):
        pairs = streaming_then_freeze()
        mixed = pairs + [list(p) for p in pairs[::7]] + [["x", 1], [A, None], [1, 2, 3][:1]]
        random.Random(1).shuffle(mixed)
        self.assertEqual(metrics.compute(mixed, A, B), metrics.compute(pairs, A, B))

    def test_frames_shown_at_one_moment_the_newest_capture_is_on_screen(self):
        row = metrics.compute([[A, 400], [A, 100], [A, 250]], A, A + 100)
        self.assertEqual(row["ageP50Ms"], 140)  # the 5th of 10 samples, at A + 40: A + 40 - (A - 100)
        self.assertEqual(row["frames"], 3)
        self.assertEqual(row["truthP50Ms"], 250)

    def test_a_frame_before_the_window_is_on_screen_when_it_opens(self):
        row = metrics.compute([[A - 1000, 50]], A, A + 1000)
        self.assertEqual(row["frames"], 0)
        self.assertEqual(row["freshShare500"], 0)
        self.assertEqual(row["ageP50Ms"], 1050 + 490)
        self.assertEqual(row["noPictureMs"], 0)
        self.assertEqual(row["longestGapMs"], 1000)

    def test_time_before_the_first_picture_is_stale(self):
        row = metrics.compute([[A + 300, 40], [A + 900, 40]], A, A + 1000)
        self.assertEqual(row["noPictureMs"], 300)
        self.assertEqual(row["freshShare300"], 0.37)  # fresh: A+300..560 (27 samples), A+900..990 (10)
        self.assertEqual(row["freshShare200"], 0.27)
        self.assertIsNone(row["ageP95Ms"])  # lands on "no picture"
        self.assertEqual(row["ageMaxMs"], 40 + 590)  # at A + 890, before the second frame
        self.assertEqual(row["longestGapMs"], 600)
        self.assertEqual(row["ageSeries"][0][1], 10000)
        self.assertTrue(any("stale" in n for n in row["notes"]))

    def test_no_frames(self):
        row = metrics.compute([], A, B)
        for h in (200, 300, 500):
            self.assertEqual(row[f"freshShare{h}"], 0)
        for key in ("ageP50Ms", "ageP95Ms", "ageMaxMs", "truthP50Ms", "truthP95Ms", "truthP99Ms"):
            self.assertIsNone(row[key], key)
        self.assertEqual((row["frames"], row["fps"], row["longestGapMs"], row["noPictureMs"]), (0, 0, 10_000, 10_000))
        self.assertTrue(all(ms == 10000 for _, ms in row["ageSeries"]))
        self.assertIsNone(row["carriedMbps"])

    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual([metrics.rank(values, q) for q in (0.5, 0.95, 0.99, 1.0)], [50, 95, 99, 100])
        self.assertEqual(metrics.rank([7], 0.5), 7)
        self.assertIsNone(metrics.rank([], 0.5))

    def test_dotted_path(self):
        doc = {"stats": {"truthSeries": [[1, 2]]}, "rows": [{"x": 3}]}
        self.assertEqual(metrics.dotted(doc, "stats.truthSeries"), [[1, 2]])
        self.assertEqual(metrics.dotted(doc, "rows.0.x"), 3)
        self.assertIsNone(metrics.dotted(doc, "stats.nothing.deeper"))


class Trace(TempDir):

    def half_on_half_off(self):
        """One chance a ms for 500 ms, none for 500 ms, repeating (period 1000: the last line)."""
        return self.write("half.up", "".join(f"{ms}\n" for ms in range(1, 501)) + "1000\n")

    def test_outage_and_could_reach(self):
        t0 = A / 1000 - 60
        stats = metrics.load_stats(self.stats_file(t0, [150_000] * 60))
        trace = metrics.load_trace(self.half_on_half_off())
        for offset in (0, 0.25, 1234.567):
            row = metrics.compute(streaming_then_freeze(), A, B, stats, trace, offset)
            self.assertEqual(row["outageSource"], "trace")
            self.assertAlmostEqual(row["traceOutageMs"], 500, delta=1, msg=offset)
            self.assertAlmostEqual(row["couldReachShare300"], 0.8, delta=0.001, msg=offset)
            self.assertAlmostEqual(row["couldReachShare200"], 0.7, delta=0.001, msg=offset)
            self.assertAlmostEqual(row["couldReachShare500"], 1.0, delta=0.001, msg=offset)

    def test_a_window_opening_inside_an_outage(self):
        trace = metrics.load_trace(self.half_on_half_off())
        prev, chances = metrics.trace_chances(trace, 0, 10_700, 12_000)
        self.assertEqual(prev, 10_500)
        self.assertEqual(chances[0], 11_000)
        row = metrics.reach_figures(prev, chances, 10_700, 12_000)
        self.assertEqual(row["traceOutageMs"], 500)  # 11500 -> 12000 inside; 10700 -> 11000 is clipped to 300
        self.assertAlmostEqual(row["couldReachShare300"], 1 - (200 + 200) / 1300, places=4)

    def test_the_period_is_the_last_line_as_in_mahimahi(self):
        trace = [0, 400, 1000]
        self.assertEqual(metrics.trace_chances(trace, 0, 0, 2000), (None, [0, 400, 1000, 1000, 1400, 2000, 2000]))
        # half a second in: cycle 0 keeps only the lines at or after 500 ms (1000 -> link 500)
        self.assertEqual(metrics.trace_chances(trace, 0.5, 0, 1900), (None, [500, 500, 900, 1500, 1500, 1900]))
        self.assertEqual(metrics.trace_chances(trace, 0.5, 1000, 1900), (900, [1500, 1500, 1900]))

    def test_chances_agree_with_roadlink(self):
        path = os.path.join(HERE, "..", "data", "traces", "ATT-LTE-driving.up")
        if not os.path.exists(path):
            self.skipTest("no ATT trace")
        sys.path.insert(0, os.path.join(HERE, "..", "link"))
        import roadlink
        replay = roadlink.TraceCapacity(path, 120)
        expected = []
        while replay.next() <= 60_000 * roadlink.MS:
            expected.append(replay.next() / roadlink.MS)
            replay.take()
        prev, chances = metrics.trace_chances(metrics.load_trace(path), 120, 0, 60_000)
        self.assertIsNone(prev)
        self.assertEqual(chances, expected)
        prev, chances = metrics.trace_chances(metrics.load_trace(path), 120, 30_000, 60_000)
        self.assertEqual(prev, max(c for c in expected if c < 30_000))
        self.assertEqual(chances, [c for c in expected if c >= 30_000])


class LinkStats(TempDir):

    def test_unlimited_capacity_and_window_boundaries(self):
        t0 = 1_700_000_000.123
        stats = metrics.load_stats(self.stats_file(t0, [None] * 10))
        self.assertEqual(stats[0], t0 * 1000)
        self.assertEqual(sorted(stats[1]), list(range(10)))
        a = t0 * 1000 + 2000
        row = metrics.compute([], a, a + 3000, stats, camera_max_bps=1_500_000)
        self.assertEqual(row["linkSeconds"], 3)  # seconds 2, 3, 4
        self.assertEqual(row["carriedMbps"], 0.8)
        self.assertEqual(row["usableMbps"], 1.5)  # unlimited: the camera's maximum
        self.assertIsNone(row["capacityMbps"])
        self.assertAlmostEqual(row["usedShare"], 0.8 / 1.5, places=4)
        self.assertEqual(metrics.compute([], a + 100, a + 3000, stats)["linkSeconds"], 2)  # second 2 not whole
        self.assertEqual(metrics.compute([], a, a + 2990, stats)["linkSeconds"], 2)  # second 4 not whole
        self.assertEqual(row["outageSource"], "stats")
        self.assertEqual(row["traceOutageMs"], 1)  # one chance a millisecond
        self.assertEqual(row["couldReachShare200"], 1)

    def test_capacity_below_and_above_the_camera(self):
        t0 = 1_700_000_000.0
        stats = metrics.load_stats(self.stats_file(t0, [100_000, 1_000_000, 0, 150_000]))
        row = metrics.compute([], t0 * 1000, t0 * 1000 + 4000, stats, camera_max_bps=1_500_000)
        self.assertEqual(row["linkSeconds"], 4)
        self.assertAlmostEqual(row["usableMbps"], (0.8 + 1.5 + 0 + 1.2) / 4, places=4)
        self.assertAlmostEqual(row["capacityMbps"], (0.8 + 8 + 0 + 1.2) / 4, places=4)

    def test_outages_from_seconds_without_capacity(self):
        t0 = 1_700_000_000.0
        caps = [150_000] * 3 + [0] * 3 + [150_000] * 4  # 100 chances a second, then a 3 s outage
        stats = metrics.load_stats(self.stats_file(t0, caps))
        row = metrics.compute([], t0 * 1000 + 1000, t0 * 1000 + 10_000, stats)
        self.assertEqual(row["outageSource"], "stats")
        self.assertAlmostEqual(row["traceOutageMs"], 3010, delta=1)  # 2995 -> 6005
        self.assertAlmostEqual(row["couldReachShare300"], 1 - 2710 / 9000, places=3)
        self.assertAlmostEqual(row["couldReachShare500"], 1 - 2510 / 9000, places=3)

    def test_a_window_past_the_stats(self):
        t0 = 1_700_000_000.0
        stats = metrics.load_stats(self.stats_file(t0, [150_000] * 5))
        row = metrics.compute([], t0 * 1000 + 1000, t0 * 1000 + 9000, stats)
        self.assertEqual(row["couldReachShare300"], 1)
        self.assertTrue(any("the link ran for 4000 ms" in n for n in row["notes"]))

    def test_missing_stats(self):
        self.assertIsNone(metrics.load_stats(os.path.join(self.dir.name, "nothing.jsonl")))
        row = metrics.compute(streaming_then_freeze(), A, B, None)
        for key in ("carriedMbps", "usableMbps", "traceOutageMs", "couldReachShare300", "outageSource"):
            self.assertIsNone(row[key], key)
        no_summary = self.write("cut.jsonl", json.dumps({"dir": "up", "s": 0, "delivered": 1, "capacity": 1}) + "\n")
        self.assertIsNone(metrics.compute([], A, B, metrics.load_stats(no_summary))["carriedMbps"])


class Cli(TempDir):

    def run_cli(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(metrics.main(list(args)), 0)
        return json.loads(out.getvalue())

    def test_chromium_probe_file(self):
        frames = self.write("chromium.json", json.dumps({"stats": {"truthSeries": streaming_then_freeze()}}))
        t0 = A / 1000 - 20
        stats = self.stats_file(t0, [150_000] * 40)
        trace = self.write("t.up", "".join(f"{ms}\n" for ms in range(1, 501)) + "1000\n")
        row = self.run_cli("--frames", frames, "--frames-path", "stats.truthSeries", "--stats", stats,
                           "--trace", trace, "--trace-offset", "3", "--camera-max-bps", "1500000",
                           "--window-start-unix-ms", str(A), "--window-end-unix-ms", str(B),
                           "--first-frame-ms", "850")
        self.assertEqual(row, metrics.compute(streaming_then_freeze(), A, B, metrics.load_stats(stats),
                                              metrics.load_trace(trace), 3, 1_500_000, 850))
        self.assertEqual(row["firstFrameMs"], 850)
        self.assertEqual(row["windowStartUnixMs"], A)
        self.assertEqual(row["linkSeconds"], 10)

    def test_missing_files(self):
        row = self.run_cli("--frames", os.path.join(self.dir.name, "none.json"), "--frames-path", "truthSeries",
                           "--stats", os.path.join(self.dir.name, "none.jsonl"),
                           "--window-start-unix-ms", str(A), "--window-end-unix-ms", str(B))
        self.assertEqual((row["frames"], row["longestGapMs"], row["carriedMbps"]), (0, 10_000, None))
        self.assertGreaterEqual(len(row["notes"]), 2)


if __name__ == "__main__":
    unittest.main()


class MisreadTimecodeTest(unittest.TestCase):

    def test_a_capture_after_display_is_left_out_and_noted(self):
        import json, os, tempfile
        frames = [[1000 + 33 * i, 50.0] for i in range(60)]
        frames[30][1] = -1100.0  # garbage that passed the CRC
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "f.json")
            with open(path, "w") as f:
                json.dump({"truthSeries": frames}, f)
            notes = []
            pairs = metrics.load_frames(path, "truthSeries", notes)
        self.assertEqual(len(pairs), 59)
        self.assertTrue(any("misread" in n for n in notes))

