"""Tests of roadlink.py with real packets: each test makes two network namespaces of its own, runs the emulator
between them, sends UDP from A to B and checks that the link does what it was asked to. Needs root:

    python3 -m unittest bench/link/test_roadlink.py -v

The same file is the UDP sender and receiver the tests run inside the namespaces (`send` and `recv` below): the
payload carries a sequence number and the CLOCK_MONOTONIC time of sending, one clock for every namespace of a host,
so the receiver's arrival times give one-way delays directly. Tolerances are meant to hold on a busy 2-core machine
and still fail when the feature they test is broken.
"""
import json
import os
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROADLINK = os.path.join(HERE, "roadlink.py")
NS, MS, PORT = 1_000_000_000, 1_000_000, 40000
HEADER = 28  # IPv4 + UDP: the sizes below are IP packet sizes, what the link counts


def send(dst, bps, size, seconds):
    """Paced UDP to dst:PORT: `size`-byte IP packets at bps for `seconds`; prints how many were sent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    interval, pad = size * 8 * NS / bps, bytes(size - HEADER - 12)
    count, failed, start = int(seconds * NS / interval), 0, time.monotonic_ns()
    for seq in range(count):
        wait = start + round(seq * interval) - time.monotonic_ns()
        if wait > 0:
            time.sleep(wait / NS)
        try:
            sock.sendto(struct.pack("!IQ", seq, time.monotonic_ns()) + pad, (dst, PORT))
        except OSError:
            failed += 1
    print(count, failed)


def recv(addr, seconds):
    """Receives on addr:PORT for `seconds`, then prints one line per packet: seq, sent ns, received ns, IP size."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: a busy machine must not lose packets here
    sock.bind((addr, PORT))
    print("bound", flush=True)
    end, buf, lines = time.monotonic() + seconds, bytearray(2048), []
    while (left := end - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            n = sock.recv_into(buf)
        except socket.timeout:
            break
        now = time.monotonic_ns()
        seq, sent = struct.unpack_from("!IQ", buf)
        lines.append(f"{seq} {sent} {now} {n + HEADER}")
    print("\n".join(lines))


class Flow:
    """A receiver in B and a sender in A; result() waits for both (they stop by themselves)."""

    def __init__(self, lab, net, bps, size, seconds, listen):
        self.receiver = lab.spawn(lab.b, "recv", f"198.51.{net}.2", str(listen))
        lab.wait_line(self.receiver, "bound")
        self.sender = lab.spawn(lab.a, "send", f"198.51.{net}.2", str(bps), str(size), str(seconds))

    def result(self):
        count, failed = map(int, self.sender.communicate(timeout=30)[0].split())
        self.sent = count - failed
        assert failed == 0, f"{failed} sends failed"
        lines = self.receiver.communicate(timeout=30)[0].split("\n")  # "bound" was read already
        self.packets = [tuple(map(int, line.split())) for line in lines if line.strip()]  # seq, sent, received, size
        self.delays_ms = [(r - s) / MS for _, s, r, _ in self.packets]
        return self

    def bits_per_s(self, start, end):
        """Received rate between two CLOCK_MONOTONIC times (ns)."""
        return sum(size for _, _, r, size in self.packets if start <= r < end) * 8 * NS / (end - start)

    def loss_runs(self):
        got = {seq for seq, *_ in self.packets}
        runs, run = [], 0
        for seq in range(self.sent):
            if seq in got:
                runs, run = runs + [run] if run else runs, 0
            else:
                run += 1
        return runs + [run] if run else runs


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@unittest.skipUnless(os.geteuid() == 0, "makes network namespaces: needs root")
class RoadlinkTest(unittest.TestCase):
    serial = 0

    def setUp(self):
        RoadlinkTest.serial += 1
        tag = f"{os.getpid()}-{RoadlinkTest.serial}"
        self.a, self.b, self.procs = f"rlt-a-{tag}", f"rlt-b-{tag}", []
        self.dir = tempfile.mkdtemp(prefix="roadlink-test-")
        self.addCleanup(self.cleanup)
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "add", ns], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)

    def cleanup(self):
        for proc in self.procs:  # only what this test started, by its own handle
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self, ns, *args):
        proc = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), *args],
                                stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    def wait_line(self, proc, expected, log=None, timeout=10):
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline().strip() if ready else None
        if line != expected and log:
            with open(log) as f:
                self.fail(f"no {expected!r} from {proc.args}: {f.read()}")
        self.assertEqual(line, expected, f"no {expected!r} from {proc.args}")

    def link(self, up="", down="", net=100, *extra):
        """Starts roadlink between the namespaces on 198.51.<net>.0 (device road<net-100>); waits for `ready`."""
        stats, log_path = os.path.join(self.dir, f"stats-{net}.jsonl"), os.path.join(self.dir, f"roadlink-{net}.log")
        log = open(log_path, "w")
        proc = subprocess.Popen([sys.executable, ROADLINK, "--ns-a", self.a, "--ns-b", self.b,
                                 "--addr-a", f"198.51.{net}.1", "--addr-b", f"198.51.{net}.2",
                                 "--name", f"road{net - 100}", "--up", up, "--down", down, "--stats", stats, *extra],
                                stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        self.procs.append(proc)
        self.wait_line(proc, "ready", log_path)
        proc.stats = stats
        return proc

    def stop(self, proc, signal_it=True):
        """Stops roadlink with SIGTERM (or waits for it to end); returns its stats: {dir: [per-second lines]},
        {dir: summary}."""
        if signal_it:
            proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0)
        with open(proc.stats) as f:
            lines = [json.loads(line) for line in f]
        seconds = {d: [x for x in lines if x["dir"] == d and "s" in x] for d in ("up", "down")}
        return seconds, {x["dir"]: x for x in lines if x.get("summary")}

    def test_rate_deep_and_shallow_queue(self):
        """2 Mbit/s: the rate is kept; a deep queue makes delay grow, a 30000-byte one drops and keeps it short."""
        deep, shallow = self.link("rate=2mbit", "", 100), self.link("rate=2mbit,queue=30000", "", 101)
        f_deep = Flow(self, 100, 3_000_000, 1200, 3, 6)
        f_shallow = Flow(self, 101, 4_000_000, 1200, 3, 3.5)
        f_deep.result(), f_shallow.result()
        per_s, summary = self.stop(deep)
        per_s2, summary2 = self.stop(shallow)
        start = f_deep.packets[0][1]
        self.assertAlmostEqual(f_deep.bits_per_s(start + NS // 2, start + 3 * NS) / 2e6, 1, delta=0.1)
        self.assertEqual(len(f_deep.packets), f_deep.sent)  # 375 kB of backlog: within the 500 kB queue
        self.assertLess(max(f_deep.delays_ms[:10]), 100)
        self.assertGreater(min(f_deep.delays_ms[-10:]), 1200)  # ~1.5 s of queue at the end
        for line in per_s["up"]:  # one 1500-byte chance every 6 ms, used or not
            self.assertAlmostEqual(line["capacity"], 250000, delta=1500, msg=line)
        self.assertGreaterEqual(len(per_s["up"]), 4)
        for line in per_s["up"][1:3]:  # backlogged: everything the capacity gave was used
            self.assertGreaterEqual(line["delivered"], line["capacity"] - 3000, line)
        self.assertGreater(max(x["queue_delay_ms"] for x in per_s["up"]), 1000)
        self.assertEqual(summary["up"]["drop_queue"], 0)
        start = f_shallow.packets[0][1]
        self.assertAlmostEqual(f_shallow.bits_per_s(start + NS // 2, start + 3 * NS) / 2e6, 1, delta=0.1)
        self.assertLess(max(f_shallow.delays_ms), 30000 * 8 / 2e6 * 1000 + 6 + 50)
        self.assertAlmostEqual(len(f_shallow.packets) / f_shallow.sent, 0.5, delta=0.1)
        self.assertEqual(summary2["up"]["drop_queue"], f_shallow.sent - len(f_shallow.packets))

    def test_delay_and_jitter(self):
        """delay=40: 40 ms one way; jitter=15 on top: a clearly wider spread, and packets stay in order."""
        self.link("delay=40", "", 100)
        self.link("delay=40,jitter=15", "", 101)
        plain, jittery = Flow(self, 100, 80_000, 200, 2.5, 3), Flow(self, 101, 80_000, 200, 2.5, 3)
        plain.result(), jittery.result()
        self.assertEqual(len(plain.packets), plain.sent)
        self.assertTrue(40 <= min(plain.delays_ms) < 44, min(plain.delays_ms))
        self.assertTrue(40 <= statistics.median(plain.delays_ms) < 46, statistics.median(plain.delays_ms))
        self.assertLess(percentile(plain.delays_ms, 0.9) - percentile(plain.delays_ms, 0.1), 5)
        d = jittery.delays_ms
        self.assertEqual(len(d), jittery.sent)
        self.assertGreater(percentile(d, 0.9) - percentile(d, 0.1), 12)  # ~24 for uniform +-15
        self.assertTrue(25 <= min(d) and max(d) < 55 + 15, (min(d), max(d)))
        seqs = [seq for seq, *_ in jittery.packets]
        self.assertEqual(seqs, sorted(seqs))  # never reordered (unordered jitter would swap ~5 % of them)

    def test_random_loss_at_10_mbit(self):
        """loss=0.05 over 3000 packets at 9.6 Mbit/s: the loss rate is within a binomial tolerance, losses are
        not bursty, and the emulator kept up (every packet offered to it is accounted for)."""
        link = self.link("rate=20mbit,loss=0.05")
        flow = Flow(self, 100, 9_600_000, 1200, 3, 3.5).result()
        _, summary = self.stop(link)
        self.assertEqual(flow.sent, 3000)
        lost = flow.sent - len(flow.packets)
        self.assertTrue(0.03 <= lost / flow.sent <= 0.07, lost)
        runs = flow.loss_runs()
        self.assertLess(sum(runs) / len(runs), 1.3)
        self.assertEqual(summary["up"]["offered_pkts"], flow.sent)
        self.assertEqual(summary["up"]["drop_loss"], lost)
        self.assertLess(max(flow.delays_ms), 50)

    def test_bursty_loss(self):
        """ge=0.02/0.25: ~7.4 % lost in runs of ~4 packets; bursts=100-300ms/1-2s: whole fades of 100-300 ms."""
        self.link("ge=0.02/0.25", "", 100)
        self.link("bursts=100-300ms/1-2s", "", 101)
        ge, fades = Flow(self, 100, 4_800_000, 1200, 3, 3.5), Flow(self, 101, 2_400_000, 1200, 3, 3.5)
        ge.result(), fades.result()
        runs = ge.loss_runs()
        self.assertTrue(0.03 <= sum(runs) / ge.sent <= 0.13, sum(runs))
        self.assertGreater(sum(runs) / len(runs), 2)
        runs = fades.loss_runs()  # 250 packets a second: a 100-300 ms fade is a run of 25-75
        self.assertTrue(runs, "no fade in 3 s")
        self.assertTrue(all(20 <= run <= 80 for run in runs[:-1]) and runs[-1] <= 80, runs)
        self.assertTrue(0.03 <= sum(runs) / fades.sent <= 0.4, runs)

    def test_trace(self):
        """A synthetic trace, 1500 bytes every ms for a second then nothing for a second: per second the capacity
        and the delivered bytes follow it, and nothing arrives in the gaps."""
        trace = os.path.join(self.dir, "on-off.trace")
        with open(trace, "w") as f:
            f.write("".join(f"{ms}\n" for ms in [*range(1, 1000), 2000]))
        link = self.link(f"trace={trace},queue=5000000")
        flow = Flow(self, 100, 7_680_000, 1200, 4, 4.8).result()
        per_s, summary = self.stop(link)
        up = per_s["up"]
        self.assertEqual([x["capacity"] for x in up[:4]], [999 * 1500, 0, 1000 * 1500, 0])
        self.assertEqual(up[1]["delivered"] + up[3]["delivered"], 0)
        self.assertGreaterEqual(up[2]["delivered"], 1500000 - 1500)  # backlogged from the gap before
        t0 = summary["up"]["t0_mono_ns"]
        gaps = [(t0 + (k + 0.03) * NS, t0 + (k + 1) * NS) for k in (1, 3)]  # 30 ms for the last chance's packet
        self.assertEqual([r for _, _, r, _ in flow.packets if any(a < r < b for a, b in gaps)], [])
        self.assertAlmostEqual(flow.bits_per_s(t0 + 2 * NS, t0 + 3 * NS), 12e6, delta=0.03 * 12e6)

    def test_outage(self):
        """outage=1.5:1: nothing arrives from 1.5 s to 2.5 s, then the queued packets come and the flow goes on."""
        link = self.link("rate=4mbit,outage=1.5:1")
        flow = Flow(self, 100, 960_000, 1200, 3.5, 4).result()
        per_s, summary = self.stop(link)
        t0 = summary["up"]["t0_mono_ns"]
        arrivals = [r - t0 for _, _, r, _ in flow.packets]
        self.assertEqual([r for r in arrivals if 1.52 * NS < r < 2.5 * NS], [])
        after = [r for r in arrivals if r >= 2.5 * NS]
        self.assertTrue(after and after[0] < 2.56 * NS and len(after) > 100, after[:1])
        self.assertEqual(len(flow.packets), flow.sent)  # held in the queue, not lost
        for got, want in zip([x["capacity"] / 1500 for x in per_s["up"][:3]], [333.3, 166.7, 166.7]):
            self.assertAlmostEqual(got, want, delta=1)

    def test_policer(self):
        """policer=1mbit/15000 with 2 Mbit/s offered: about half dropped at once, no queueing delay."""
        link = self.link("policer=1mbit/15000")
        flow = Flow(self, 100, 2_000_000, 1200, 3, 3.3).result()
        _, summary = self.stop(link)
        self.assertAlmostEqual(len(flow.packets) / flow.sent, (15000 + 3 * 125000) / (3 * 250000), delta=0.06)
        self.assertEqual(summary["up"]["drop_policer"], flow.sent - len(flow.packets))
        self.assertLess(max(flow.delays_ms), 20)
        start = flow.packets[0][1]
        self.assertAlmostEqual(flow.bits_per_s(start + NS, start + 3 * NS) / 1e6, 1, delta=0.1)

    def test_idle_capacity_stats(self):
        """With nothing sent, the stats still count every chance: steps and an outage up, an offset trace down;
        --duration ends the run and the devices are gone afterwards."""
        trace = os.path.join(self.dir, "on-off.trace")
        with open(trace, "w") as f:
            f.write("".join(f"{ms}\n" for ms in [*range(1, 1000), 2000]))
        link = self.link("steps=0:2mbit/2:0.5mbit,outage=3:1", f"trace={trace},trace-offset=1", 100,
                         "--duration", "4.2")
        per_s, summary = self.stop(link, signal_it=False)  # ends by itself after 4.2 s
        up = [x["capacity"] for x in per_s["up"]]
        self.assertEqual(len(up), 4)
        for got, want in zip(up, [250000, 250000, 62500, 0]):
            self.assertAlmostEqual(got, want, delta=1500)
        self.assertEqual([x["capacity"] for x in per_s["down"]], [0, 1500000, 0, 1500000])
        self.assertEqual(summary["up"]["offered"], 0)
        for ns in (self.a, self.b):
            links = subprocess.run(["ip", "-n", ns, "-o", "link"], capture_output=True, text=True).stdout
            self.assertNotIn("road0", links)


if __name__ == "__main__":
    if sys.argv[1:2] == ["send"]:
        send(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif sys.argv[1:2] == ["recv"]:
        recv(sys.argv[2], float(sys.argv[3]))
    else:
        unittest.main()
