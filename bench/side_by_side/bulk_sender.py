"""Streams pre-built request bodies over keep-alive connections, one process
per connection (no GIL between them), each holding its whole file in memory
before the clock starts. Every answer must have the expected status.

A file is a sequence of records "LENGTH COUNT PATH\\n" + LENGTH bytes of body
(make_bodies.py). The time runs from the moment every connection is ready
until the last answer of the slowest connection.

usage: python3 -m side_by_side.bulk_sender PORT STATUS FILE... [-H NAME:VALUE]...
prints one JSON object: {"readings": N, "seconds": S, "bodies_bytes": B}
"""
import http.client
import json
import multiprocessing
import signal
import sys
import time


def _records(data):
    view = memoryview(data)
    out = []
    pos = 0
    while pos < len(data):
        eol = data.index(b"\n", pos)
        length, count, path = data[pos:eol].split(b" ", 2)
        start = eol + 1
        end = start + int(length)
        out.append((path.decode(), int(count), view[start:end]))
        pos = end
    return out


def _connection(port, status, path, headers, barrier, results):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it ends us as daemons
    with open(path, "rb") as f:
        data = f.read()
    records = _records(data)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.connect()
    barrier.wait()
    sent = 0
    for url, count, body in records:
        conn.request("POST", url, body, headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != status:
            results.put(("error", f"{url}: HTTP {response.status} {answer[:300]!r}"))
            return
        sent += count
    results.put(("done", sent, time.monotonic(), len(data)))


def send(port, status, files, headers):
    """Returns (readings, seconds, bytes of the files) or raises RuntimeError."""
    barrier = multiprocessing.Barrier(len(files) + 1)
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_connection,
                                       args=(port, status, f, headers, barrier, results),
                                       daemon=True)
               for f in files]
    for w in workers:
        w.start()
    barrier.wait()
    began = time.monotonic()
    readings, last, size = 0, began, 0
    for _ in workers:
        result = results.get()
        if result[0] == "error":
            for w in workers:
                w.terminate()
            raise RuntimeError(result[1])
        readings += result[1]
        last = max(last, result[2])
        size += result[3]
    for w in workers:
        w.join()
    return readings, last - began, size


def main(argv):
    port, status = int(argv[0]), int(argv[1])
    files, headers = [], {}
    args = iter(argv[2:])
    for a in args:
        if a == "-H":
            name, value = next(args).split(":", 1)
            headers[name] = value
        else:
            files.append(a)
    readings, seconds, size = send(port, status, files, headers)
    print(json.dumps({"readings": readings, "seconds": seconds, "bodies_bytes": size}))


if __name__ == "__main__":
    main(sys.argv[1:])
