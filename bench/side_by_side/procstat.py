"""What a server process tree uses, read from /proc: resident memory (peak
per workload) and CPU time.

A server is a root pid and its descendants (PostgreSQL's postmaster and its
backends, nginx's master and workers). Peak memory of a workload is the larger
of (a) the highest sum of VmRSS over the tree, sampled every 100 ms (the tree itself re-read every second), and (b) the
sum of VmHWM of the processes alive at the end, after VmHWM was reset with
clear_refs at the start. For a single-process server (b) catches peaks between
samples; for PostgreSQL (a) matters, since backends come and go. Summing RSS
counts shared memory (PostgreSQL's shared buffers) once per process that
touched it, so the PostgreSQL figure is an upper bound; for trees of several
processes the peak sum of PSS (shared pages divided among their sharers,
sampled once a second) is kept as well.
"""
import os
import threading
import time

_TICK = os.sysconf("SC_CLK_TCK")


def _children_map():
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(name))
    return parents


def tree(root):
    """root and every descendant alive now."""
    children = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid):
    """Proportional set size: shared pages divided among their sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(root):
    """CPU time used so far by the tree, including children it has reaped."""
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime are fields 14-17 (1-based) of stat.
        total += sum(int(x) for x in fields[11:15])
    return total / _TICK


class PeakMemory:
    """Context manager: peak resident memory of a process tree, in MiB."""

    def __init__(self, root, interval=0.1):
        self._root = root
        self._interval = interval
        self._stop = threading.Event()
        self._peak_kb = 0
        self._peak_pss_kb = 0
        self.mib = None
        self.pss_mib = None  # multi-process trees only: peak summed PSS, sampled each second

    def _sample(self):
        n = 0
        while not self._stop.is_set():
            if n % 10 == 0:  # walking /proc and smaps cost more than a sample
                pids = tree(self._root)
                if len(pids) > 1:
                    self._peak_pss_kb = max(self._peak_pss_kb, sum(_pss_kb(p) for p in pids))
            n += 1
            self._peak_kb = max(self._peak_kb, sum(_status_kb(p, "VmRSS:") for p in pids))
            self._stop.wait(self._interval)

    def __enter__(self):
        for pid in tree(self._root):
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                pass
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        hwm = sum(_status_kb(p, "VmHWM:") for p in tree(self._root))
        self.mib = max(self._peak_kb, hwm) / 1024
        if self._peak_pss_kb:
            self.pss_mib = self._peak_pss_kb / 1024
        return False


def wait_idle(root, below=0.05, quiet_for=3.0, limit=300.0, also=lambda: True):
    """Waits until the tree has used less than `below` of one core for
    `quiet_for` seconds in a row (and `also()` holds), at most `limit`
    seconds. Returns the seconds waited."""
    began = time.monotonic()
    quiet_since = None
    last = cpu_seconds(root)
    while time.monotonic() - began < limit:
        time.sleep(0.5)
        now = cpu_seconds(root)
        busy = (now - last) / 0.5
        last = now
        if busy < below and also():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_for:
                break
        else:
            quiet_since = None
    return time.monotonic() - began
