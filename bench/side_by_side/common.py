"""Small helpers shared by the systems: ports, waiting, running commands,
and the pid list that bench/run's trap uses to stop whatever is left."""
import http.client
import os
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path="/", statuses=(200, 204), limit=60.0, alive=lambda: True):
    """Waits until GET path answers one of statuses; raises after limit s."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        if not alive():
            raise RuntimeError(f"server on port {port} exited while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status in statuses:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {limit} s")


def run(cmd, **kw):
    """Runs cmd; returns its stdout; raises with its stderr on failure."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def remember_pid(work, pid):
    """Appends pid and its start time to WORK/pids: bench/run's exit trap
    stops whichever of these is still the same process."""
    with open(f"/proc/{pid}/stat") as f:
        start = f.read().rsplit(")", 1)[1].split()[19]
    with open(os.path.join(work, "pids"), "a") as f:
        f.write(f"{pid} {start}\n")


def stop_process(proc, sig, limit=120.0):
    """Sends sig to a Popen and waits for it; SIGKILL after limit s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def file_bytes(path):
    """Bytes a file occupies on disk (allocated blocks, as du counts them:
    InfluxDB's series files are sparse, 4 MiB apparent each)."""
    try:
        return os.stat(path).st_blocks * 512
    except OSError:
        return 0


def dir_bytes(path):
    """Bytes on disk of the files under path (allocated blocks)."""
    return sum(file_bytes(os.path.join(root, name))
               for root, _, files in os.walk(path) for name in files)


def fsync_ms(directory, count=100):
    """Median time of appending 4 KiB to a file and fsyncing it: the floor
    under every durable acknowledgement on this disk."""
    import statistics
    path = os.path.join(directory, "fsync-probe")
    times = []
    with open(path, "wb") as f:
        for _ in range(count):
            began = time.perf_counter()
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
            times.append(time.perf_counter() - began)
    os.remove(path)
    return statistics.median(times) * 1000


def versions(binary):
    """One line naming the version of every program measured."""
    def first_line(cmd):
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except OSError:
            return "?"
        return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    commit = first_line(["git", "-C", root, "describe", "--always", "--dirty"])
    return "; ".join([
        f"datacooee {commit}",
        first_line(["influxd", "version"]),
        first_line(["/usr/lib/postgresql/15/bin/postgres", "--version"]),
        first_line(["nginx", "-v"]),
        first_line(["wrk", "-v"]).split(" Copyright")[0],
    ])
