#!/usr/bin/env python3
"""roadlink: a user-space link emulator joining two network namespaces, for a car's uplink on the road.

This kernel has no netem, but TUN devices work inside network namespaces. roadlink makes a point-to-point IPv4 link
out of two TUN devices, one in namespace A (the car) and one in namespace B (the viewer side), and moves every
packet between them itself, through a model of the link in each direction, in the spirit of Mahimahi (Netravali et
al., "Mahimahi: Accurate Record-and-Replay for HTTP", USENIX ATC 2015):

    arrival -> policer -> drop-tail queue -> capacity (trace / rate / steps, outages) -> loss -> delay + jitter -> out

Usage (root; standard library only; Python 3.11):

    python3 roadlink.py --ns-a car --ns-b viewer [--addr-a 198.51.100.1 --addr-b 198.51.100.2] [--name road0] \\
        --up 'trace=bench/data/traces/ATT-LTE-driving.up,delay=30,queue=500000' --down 'rate=100mbit,delay=30' \\
        [--seed 1] [--stats FILE] [--duration S]

It may be started from any namespace: when it is not already in A it re-executes itself through
`ip netns exec A` (the same process id, so a caller can still stop it by its pid). Both devices are created in A
and one is moved to B (`ip link set DEV netns B`; the open file descriptor stays attached), so nothing is ever made
in the namespace it was started from. Each side gets its address as a /32 with the other side as its peer (a route
to the peer through the device), MTU 1500, IPv6 disabled (no router solicitations or MLD on the link). Both
devices are called NAME (default road0), one in each namespace; use another --name and other addresses (e.g.
198.51.101.x) to run several links between the same namespaces at once. Names starting with tun/tap/utun/ipsec
are refused: libwebrtc ranks such interfaces as VPNs.

Once both devices are up it prints one line, `ready`, on stdout. It runs until SIGTERM or SIGINT (or --duration
seconds), then writes its summary and exits with 0, and leaves nothing behind: the devices vanish when their
descriptors close, even after SIGKILL. Deleting either namespace under it makes it exit with an error.

One thread: poll() on both devices with a timeout to the next event (a delivery chance while something is queued,
a delayed packet's time, the end of a second), CLOCK_MONOTONIC in ns, whole-millisecond sleeps; everything
readable is read at each wake-up. Idle it wakes once a second; 10 Mbit/s of 1200-byte packets costs ~15 % of a core.

--up is A->B (the car's uplink), --down is B->A. Each is a comma-separated list of key=value (lists inside a value
are separated by '/'); every key is optional (no capacity key: unlimited capacity):

  trace=FILE        Mahimahi trace: one integer a line, a millisecond offset; each line is one chance for 1500
                    bytes to leave the queue (a repeated millisecond: several chances). The trace repeats with a
                    period of its last offset, as in Mahimahi's LinkQueue.
  trace-offset=S    start S seconds into the trace
  rate=R            fixed rate: one 1500-byte chance every 12000/R seconds (R: 1.5mbit, 800kbit, 64000bit, 1gbit)
  steps=S:R/S:R...  rates changing at S seconds from the start (the first at 0; the last one holds; R may be 0)
  delay=MS          one-way delay added after the bottleneck
  jitter=MS         uniform delay variation in [-MS, +MS]; jitter=normal:MS for a normal one with sigma MS. Order is
                    kept: a packet never leaves before the one ahead of it (as on a FIFO path), so at high packet
                    rates the added delay drifts toward the top of its range. The delay is never below zero.
  loss=P            each packet crossing the link is lost with probability P
  ge=P/R[/K[/H]]    Gilbert-Elliott bursty loss, stepped once per packet: P good->bad, R bad->good, K the chance a
                    packet gets through in the good state (default 1), H in the bad state (default 0); loss in good
                    1-K, in bad 1-H; mean loss ((1-K) R + (1-H) P) / (P + R), mean bad run 1/R packets
  bursts=A-Bms/C-Ds[/L]  Wi-Fi-like fades in time: bursts of A..B ms (uniform) separated by C..D s of good link
                    (uniform), each packet crossing the link during a burst lost with probability L (default 1)
  queue=BYTES       drop-tail queue limit in bytes (default 500000: deep, like a modem)
  policer=R/BYTES   token bucket of rate R and depth BYTES in front of the queue: what does not fit is dropped at
                    once (shallow; with no capacity key there is no queue at all)
  outage=S:D/S:D    no delivery chances from second S for D seconds (the queue keeps filling)

Link rule (Mahimahi's): a chance gives up to 1500 bytes to the packets at the head of the queue, in order; a packet
may take part of a chance and the rest of the chance goes on to the next packet; a packet whose bytes are not all
sent carries the remainder to the next chance and leaves at the chance that sends its last byte; what a chance
cannot use (queue empty) is lost. Packets lost on the link have used their chance (the radio sent them). A packet
is queued when read; chances at or before that moment cannot carry it. Loss and jitter draw from random generators
seeded by --seed (one per direction and purpose), so a run with the same packets is the same run.

--stats FILE: per direction one JSON line per second of the link's clock (second 0 starts when `ready` is
printed), written and flushed as each second ends:
  {"dir": "up", "s": 3, "offered": bytes arrived, "offered_pkts": n, "delivered": bytes that crossed the link
   and were not lost, "delivered_pkts": n, "capacity": bytes the chances in that second could carry (chances x
   1500, counted whether or not anything was queued; null: unlimited), "drop_queue": n, "drop_policer": n,
   "drop_loss": n, "queue_bytes": bytes queued as the second ends, "queue_pkts": n, "queue_delay_ms": how long
   the packet at the head has waited as the second ends, "sojourn_max_ms": the longest wait of a packet that left
   in that second}
and on exit one line per direction {"dir": ..., "summary": true, "seconds": time run, "t0_mono_ns": the start of
second 0 on CLOCK_MONOTONIC, "t0_unix": the same in Unix time, the counters above over the whole run, the queue
as it ends, "sojourn_max_ms" over the run, "write_errors": n}.
Delivered bytes are counted at the moment the packet crosses the bottleneck, before the delay.
"""
import argparse
import bisect
import collections
import fcntl
import json
import os
import random
import re
import select
import signal
import struct
import subprocess
import sys
import time

NS = 1_000_000_000
MS = 1_000_000
CHANCE = 1500  # bytes one delivery chance carries, as in Mahimahi
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000


def parse_rate(text):
    """'1.5mbit' -> bits per second (int)."""
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)(gbit|mbit|kbit|bit)?", text.strip().lower())
    if not m:
        raise ValueError(f"bad rate {text!r} (use e.g. 1.5mbit, 800kbit, 64000bit)")
    scale = {"gbit": 1e9, "mbit": 1e6, "kbit": 1e3, "bit": 1, None: 1}[m.group(2)]
    return int(round(float(m.group(1)) * scale))


def parse_range(text, unit):
    """'100-300ms' or '2s' -> (low, high) in ns; unit is the default when no suffix is given."""
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)(?:-([0-9]*\.?[0-9]+))?(ms|s)?", text.strip())
    if not m:
        raise ValueError(f"bad duration {text!r}")
    scale = MS if (m.group(3) or unit) == "ms" else NS
    low = float(m.group(1))
    return round(low * scale), round(float(m.group(2) or low) * scale)


class TraceCapacity:
    """Delivery chances from a Mahimahi trace, repeating with a period equal to its last offset."""

    def __init__(self, path, offset_s=0.0):
        with open(path) as f:
            self.times = [int(line) * MS for line in f if line.strip()]
        if not self.times or self.times[-1] <= 0 or self.times != sorted(self.times):
            raise ValueError(f"{path}: a trace is non-decreasing millisecond offsets ending above 0")
        self.period = self.times[-1]
        shift = round(offset_s * NS) % self.period
        self.base = -shift  # link time of this cycle's trace time 0
        self.i = bisect.bisect_left(self.times, shift)
        self._wrap()

    def _wrap(self):
        if self.i == len(self.times):
            self.i, self.base = 0, self.base + self.period

    def next(self):
        return self.base + self.times[self.i]

    def take(self):
        self.i += 1
        self._wrap()

    def skip(self, until):
        """Uses up every chance at or before until; returns how many there were."""
        n = 0
        while True:
            j = bisect.bisect_right(self.times, until - self.base, self.i)
            n, self.i = n + j - self.i, j
            if j < len(self.times):
                return n
            self._wrap()


class StepsCapacity:
    """Evenly spaced chances (1500 bytes every 12000/R s) at rates that change at given times; the last holds.
    Chance n of a step starting at S is at S + n*12000/R, in integer ns, so long runs do not drift."""

    UNIT = CHANCE * 8 * NS

    def __init__(self, steps):
        self.steps = [(round(s * NS), bps) for s, bps in sorted(steps)]
        if not self.steps or self.steps[0][0] != 0:
            raise ValueError("steps must start at 0")
        self.k, self.n = 0, 0
        self._settle()

    def _end(self):
        return self.steps[self.k + 1][0] if self.k + 1 < len(self.steps) else None

    def _time(self, n):
        start, bps = self.steps[self.k]
        return start + n * self.UNIT // bps

    def _settle(self):
        while self.k is not None:
            end = self._end()
            if self.steps[self.k][1] > 0 and (end is None or self._time(self.n) < end):
                return
            self.k, self.n = (None, 0) if end is None else (self.k + 1, 0)

    def next(self):
        return None if self.k is None else self._time(self.n)

    def take(self):
        self.n += 1
        self._settle()

    def skip(self, until):
        count = 0
        while self.k is not None and self._time(self.n) <= until:
            start, bps = self.steps[self.k]
            end = self._end()
            limit = until if end is None else min(until, end - 1)
            last = ((limit - start + 1) * bps - 1) // self.UNIT  # the last n with _time(n) <= limit
            count, self.n = count + last - self.n + 1, last + 1
            self._settle()
        return count


class Outages:
    """Wraps a capacity: no chances inside the outage windows [start, end); the queue keeps filling meanwhile."""

    def __init__(self, inner, windows):
        self.inner, self.windows, self.w = inner, sorted(windows), 0

    def _settle(self):
        t = self.inner.next()
        while t is not None:
            while self.w < len(self.windows) and self.windows[self.w][1] <= t:
                self.w += 1
            if self.w == len(self.windows) or self.windows[self.w][0] > t:
                return
            self.inner.skip(self.windows[self.w][1] - 1)
            t = self.inner.next()

    def next(self):
        self._settle()
        return self.inner.next()

    def take(self):
        self._settle()
        self.inner.take()

    def skip(self, until):
        n = 0
        while True:
            t = self.next()
            if t is None or t > until:
                return n
            gap = self.windows[self.w][0] if self.w < len(self.windows) else None  # after _settle: > t
            if gap is None or gap > until:
                return n + self.inner.skip(until)
            n += self.inner.skip(gap - 1)


class Bernoulli:
    """Independent random loss."""

    def __init__(self, p, rng):
        self.p, self.rng = p, rng

    def lost(self, t):
        return self.rng.random() < self.p


class GilbertElliott:
    """Bursty loss from a two-state Markov chain stepped per packet (E. N. Gilbert, "Capacity of a burst-noise
    channel", 1960; E. O. Elliott, "Estimates of error rates for codes on burst-noise channels", 1963; the p/r/k/h
    naming of G. Hasslinger and O. Hohlfeld, "The Gilbert-Elliott Model for Packet Loss in Real Time Services on
    the Internet", MMB 2008, and of Linux netem's gemodel)."""

    def __init__(self, p, r, k, h, rng):
        self.p, self.r, self.k, self.h, self.rng, self.bad = p, r, k, h, rng, False

    def lost(self, t):
        loss = self.rng.random() >= (self.h if self.bad else self.k)
        if self.rng.random() < (self.r if self.bad else self.p):
            self.bad = not self.bad
        return loss


class Bursts:
    """Loss in time, like Wi-Fi fades: good spells and bad bursts of uniformly drawn lengths alternate (a
    Gilbert-Elliott channel in continuous time); during a burst each packet is lost with probability loss."""

    def __init__(self, burst, gap, loss, rng):
        self.burst, self.gap, self.loss, self.rng = burst, gap, loss, rng
        self.start = self.rng.randint(*gap)
        self.end = self.start + self.rng.randint(*burst)

    def lost(self, t):
        while t >= self.end:
            self.start = self.end + self.rng.randint(*self.gap)
            self.end = self.start + self.rng.randint(*self.burst)
        return t >= self.start and self.rng.random() < self.loss


class Policer:
    """Token bucket: rate R bits/s, depth `burst` bytes, full at the start; a packet that finds too few tokens is
    dropped at once (a shallow policer, unlike a shaper's deep queue)."""

    def __init__(self, bps, burst):
        self.bps, self.burst, self.tokens, self.last = bps, burst, float(burst), 0

    def admit(self, size, now):
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.bps / 8 / NS)
        self.last = now
        if self.tokens < size:
            return False
        self.tokens -= size
        return True


COUNTERS = ("offered", "offered_pkts", "delivered", "delivered_pkts", "capacity", "drop_queue", "drop_policer",
            "drop_loss")
KEYS = {"trace", "trace-offset", "rate", "steps", "delay", "jitter", "loss", "ge", "bursts", "queue", "policer",
        "outage"}


class Direction:
    """One direction of the link: packets read from one TUN device go through the models and are written to the
    other. Times are ns on the link's clock (0 = when `ready` was printed)."""

    def __init__(self, name, spec, seed):
        self.name, self.out_fd = name, None
        try:
            self._configure(spec, seed)
        except (ValueError, IndexError, OSError) as e:
            raise ValueError(f"--{name} {spec!r}: {e}") from None
        self.queue = collections.deque()  # [arrival, packet], the head possibly part sent
        self.queue_bytes = self.head_left = 0
        self.delayed = collections.deque()  # (due, packet), due non-decreasing
        self.last_due = 0
        self.sec, self.total = dict.fromkeys(COUNTERS, 0), dict.fromkeys(COUNTERS, 0)
        self.sojourn_max = self.total_sojourn_max = self.write_errors = 0

    def _configure(self, spec, seed):
        opts = {}
        for item in filter(None, (s.strip() for s in spec.split(","))):
            key, sep, value = item.partition("=")
            if not sep or key not in KEYS:
                raise ValueError(f"unknown item {item!r} (keys: {', '.join(sorted(KEYS))})")
            opts[key] = value
        if len({"trace", "rate", "steps"} & opts.keys()) > 1:
            raise ValueError("give one of trace, rate, steps")
        if "trace-offset" in opts and "trace" not in opts:
            raise ValueError("trace-offset without a trace")
        rng = lambda purpose: random.Random(f"{seed}/{self.name}/{purpose}")
        if "trace" in opts:
            self.capacity = TraceCapacity(opts["trace"], float(opts.get("trace-offset", 0)))
        elif "rate" in opts:
            self.capacity = StepsCapacity([(0, parse_rate(opts["rate"]))])
        elif "steps" in opts:
            self.capacity = StepsCapacity([(float(s), parse_rate(r)) for s, r in
                                           (step.split(":") for step in opts["steps"].split("/"))])
        else:
            self.capacity = None  # unlimited: packets cross at once
        if "outage" in opts:
            if self.capacity is None:
                raise ValueError("an outage needs a capacity (trace, rate or steps)")
            windows = [(round(float(s) * NS), round((float(s) + float(d)) * NS))
                       for s, d in (o.split(":") for o in opts["outage"].split("/"))]
            self.capacity = Outages(self.capacity, windows)
        self.delay = parse_range(opts.get("delay", "0"), "ms")[0]
        kind, _, amount = opts.get("jitter", "0").rpartition(":")
        if kind not in ("", "uniform", "normal"):
            raise ValueError("jitter is MS, uniform:MS or normal:MS")
        self.jitter, self.jitter_normal, self.jitter_rng = parse_range(amount, "ms")[0], kind == "normal", rng("jitter")
        self.losses = []
        if "loss" in opts:
            self.losses.append(Bernoulli(float(opts["loss"]), rng("loss")))
        if "ge" in opts:
            values = [float(x) for x in opts["ge"].split("/")]
            if not 2 <= len(values) <= 4:
                raise ValueError("ge=P/R[/K[/H]]")
            p, r, k, h = values + [1.0, 0.0][len(values) - 2:]
            self.losses.append(GilbertElliott(p, r, k, h, rng("ge")))
        if "bursts" in opts:
            parts = opts["bursts"].split("/")
            self.losses.append(Bursts(parse_range(parts[0], "ms"), parse_range(parts[1], "s"),
                                      float(parts[2]) if len(parts) > 2 else 1.0, rng("bursts")))
        self.policer = None
        if "policer" in opts:
            rate, burst = opts["policer"].split("/")
            self.policer = Policer(parse_rate(rate), int(burst))
        self.limit = int(opts.get("queue", 500000))

    def arrive(self, packet, now):
        size = len(packet)
        self._count("offered", size)
        if self.policer and not self.policer.admit(size, now):
            self._count("drop_policer", 1)
        elif self.capacity is None:
            self._cross(packet, now, now)
        elif self.queue_bytes + size > self.limit:
            self._count("drop_queue", 1)
        else:
            if not self.queue:
                self.head_left = size
            self.queue.append((now, packet))
            self.queue_bytes += size

    def advance(self, until):
        """Hands out every delivery chance at or before until, in time order."""
        cap = self.capacity
        if cap is None:
            return
        while self.queue:
            t = cap.next()
            if t is None or t > until:
                return
            cap.take()
            self._count("capacity", CHANCE)
            room = CHANCE
            while self.queue and room:
                used = min(room, self.head_left)
                room, self.head_left = room - used, self.head_left - used
                if not self.head_left:
                    arrival, packet = self.queue.popleft()
                    self.queue_bytes -= len(packet)
                    if self.queue:
                        self.head_left = len(self.queue[0][1])
                    self._cross(packet, arrival, t)
        self._count("capacity", CHANCE * cap.skip(until))  # nothing queued: the chances go unused

    def _cross(self, packet, arrival, t):
        """The packet crossed the bottleneck at t: loss, then delay and jitter, keeping the order."""
        self.sojourn_max = max(self.sojourn_max, t - arrival)
        lost = False
        for model in self.losses:  # every model draws, so each one's random sequence does not depend on the others
            lost |= model.lost(t)
        if lost:
            self._count("drop_loss", 1)
            return
        self._count("delivered", len(packet))
        extra = self.delay
        if self.jitter:
            rng = self.jitter_rng
            extra += rng.gauss(0, self.jitter) if self.jitter_normal else rng.uniform(-self.jitter, self.jitter)
        self.last_due = max(self.last_due, t + max(0, round(extra)))
        self.delayed.append((self.last_due, packet))

    def flush(self, now):
        """Writes out the packets whose delay is over."""
        while self.delayed and self.delayed[0][0] <= now:
            try:
                os.write(self.out_fd, self.delayed.popleft()[1])
            except OSError:
                self.write_errors += 1

    def next_event(self):
        times = [self.delayed[0][0]] if self.delayed else []
        if self.queue and self.capacity is not None and self.capacity.next() is not None:
            times.append(self.capacity.next())
        return min(times, default=None)

    def _count(self, key, amount):
        for counters in (self.sec, self.total):
            counters[key] += amount
            if key in ("offered", "delivered"):
                counters[key + "_pkts"] += 1

    def _state(self, now):
        return {"queue_bytes": self.queue_bytes, "queue_pkts": len(self.queue),
                "queue_delay_ms": round((now - self.queue[0][0]) / MS, 1) if self.queue else 0.0}

    def second(self, index, end):
        """The stats line of second `index`, which ends at `end`; starts the next second's counters."""
        line = {"dir": self.name, "s": index, **self.sec, **self._state(end),
                "sojourn_max_ms": round(self.sojourn_max / MS, 1)}
        if self.capacity is None:
            line["capacity"] = None
        self.total_sojourn_max = max(self.total_sojourn_max, self.sojourn_max)
        self.sec, self.sojourn_max = dict.fromkeys(COUNTERS, 0), 0
        return line

    def summary(self, now, t0):
        line = {"dir": self.name, "summary": True, "seconds": round(now / NS, 3), "t0_mono_ns": t0,
                "t0_unix": round(time.time() - (time.monotonic_ns() - t0) / NS, 3), **self.total, **self._state(now),
                "sojourn_max_ms": round(max(self.total_sojourn_max, self.sojourn_max) / MS, 1),
                "write_errors": self.write_errors}
        if self.capacity is None:
            line["capacity"] = None
        return line


def ip(*args):
    subprocess.run(["ip", *args], check=True, stdout=subprocess.DEVNULL)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI))
    except OSError as e:
        os.close(fd)
        raise OSError(e.errno, f"cannot create TUN device {name} ({e.strerror}; is the name in use?)") from None
    return fd


def configure(ns, dev, addr, peer):
    """Address as a /32 with the peer route, MTU 1500, IPv6 off (before it is up: no router solicitations)."""
    ip("-n", ns, "link", "set", "dev", dev, "mtu", "1500")
    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv6.conf.{dev}.disable_ipv6=1"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # best effort: no IPv6 in the kernel is fine
    ip("-n", ns, "addr", "add", f"{addr}/32", "peer", f"{peer}/32", "dev", dev)
    ip("-n", ns, "link", "set", "dev", dev, "up")


def in_namespace(ns):
    if not os.path.exists(f"/run/netns/{ns}"):
        raise ValueError(f"no network namespace {ns} (ip netns add {ns})")
    here, there = os.stat("/proc/self/ns/net"), os.stat(f"/run/netns/{ns}")
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def run(args, up, down):
    fd_a = open_tun(args.name)
    fds = [fd_a]
    try:
        temp = f"rl{os.getpid()}b"  # unique among running emulators, renamed once in B
        fd_b = open_tun(temp)
        fds.append(fd_b)
        ip("link", "set", "dev", temp, "netns", args.ns_b)
        ip("-n", args.ns_b, "link", "set", "dev", temp, "name", args.name)
        configure(args.ns_a, args.name, args.addr_a, args.addr_b)
        configure(args.ns_b, args.name, args.addr_b, args.addr_a)
        up.out_fd, down.out_fd = fd_b, fd_a
        loop(args, {fd_a: up, fd_b: down})
    finally:
        for fd in fds:
            os.close(fd)


def loop(args, sources):
    dirs = list(sources.values())
    stop = []
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(1))
    poller = select.poll()
    for fd in [*sources, wake_r]:
        poller.register(fd, select.POLLIN)
    stats = open(args.stats, "w") if args.stats else None
    t0 = time.monotonic_ns()
    end = round(args.duration * NS) if args.duration else None
    print("ready", flush=True)
    boundary, index = NS, 0
    try:
        while not stop:
            now = time.monotonic_ns() - t0
            if end is not None and now >= end:
                break
            wait = min(e for e in [boundary, end] + [d.next_event() for d in dirs] if e is not None) - now
            for fd, _ in poller.poll(max(0, -(-wait // MS))):  # whole ms, rounded up: never early
                if fd == wake_r:
                    os.read(wake_r, 64)
            now = time.monotonic_ns() - t0
            while boundary <= now:  # close every second that has ended, in order
                lines = []
                for d in dirs:
                    d.advance(boundary - 1)
                    lines.append(d.second(index, boundary))
                if stats:
                    stats.write("".join(json.dumps(line) + "\n" for line in lines))
                    stats.flush()
                boundary, index = boundary + NS, index + 1
            for fd, d in sources.items():
                d.advance(now)
                for _ in range(1000):  # drain what is readable, bounded so the other side gets its turn
                    try:
                        packet = os.read(fd, 65536)
                    except BlockingIOError:
                        break
                    except OSError as e:  # EBADFD: the device was destroyed under us
                        raise OSError(e.errno, f"a device went away ({e.strerror}): was a namespace deleted?")
                    d.arrive(packet, now)
            for d in dirs:
                d.flush(now)
    finally:
        now = time.monotonic_ns() - t0
        for d in dirs:
            d.advance(now)  # the chances of the last, partial second count in the totals too
            line = d.summary(now, t0)
            if stats:
                stats.write(json.dumps(line) + "\n")
            print(f"roadlink: {d.name}: offered {line['offered']} B, delivered {line['delivered']} B, dropped "
                  f"{line['drop_queue']} (queue) {line['drop_policer']} (policer) {line['drop_loss']} (loss) "
                  f"packets in {line['seconds']} s", file=sys.stderr)
        if stats:
            stats.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ns-a", required=True, help="namespace A, the car (the --up side)")
    parser.add_argument("--ns-b", required=True, help="namespace B, the viewer side")
    parser.add_argument("--addr-a", default="198.51.100.1", help="A's address (default 198.51.100.1)")
    parser.add_argument("--addr-b", default="198.51.100.2", help="B's address (default 198.51.100.2)")
    parser.add_argument("--name", default="road0", help="the device's name in both namespaces (default road0)")
    parser.add_argument("--up", default="", help="the A->B link, key=value,... (default: unlimited)")
    parser.add_argument("--down", default="", help="the B->A link, key=value,... (default: unlimited)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random parts (default 1)")
    parser.add_argument("--stats", help="per-second JSON lines per direction to this file")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    args = parser.parse_args(argv)
    if re.match(r"(tun|tap|utun|ipsec)", args.name) or not re.fullmatch(r"[A-Za-z0-9_-]{1,15}", args.name):
        parser.error("--name: up to 15 of [A-Za-z0-9_-], not starting with tun/tap/utun/ipsec (seen as a VPN)")
    if args.ns_a == args.ns_b:
        parser.error("--ns-a and --ns-b must differ")
    try:
        up, down = Direction("up", args.up, args.seed), Direction("down", args.down, args.seed)
        if not in_namespace(args.ns_a):
            if os.environ.get("ROADLINK_REEXEC"):
                sys.exit(f"roadlink: not in namespace {args.ns_a} after ip netns exec")
            os.environ["ROADLINK_REEXEC"] = "1"
            sys.stdout.flush()
            os.execvp("ip", ["ip", "netns", "exec", args.ns_a, sys.executable, os.path.abspath(__file__),
                             *(sys.argv[1:] if argv is None else argv)])
        run(args, up, down)
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        sys.exit(f"roadlink: {e}")


if __name__ == "__main__":
    main()
