#!/usr/bin/env python3
"""Requests no attack tool sends, against a greenlight serve on loopback.

  http_hostile.py check PORT          each case once; prints "ok CASE" or
                                      "FAILED CASE: why"; exit 1 on a failure
  http_hostile.py storm PORT SECONDS  the same cases in a loop from 4 threads
                                      (PAUSE between two requests) for
                                      SECONDS; prints the counts; exit 1 when
                                      an answer was not the expected one

Only 127.0.0.1 is ever contacted. Cases: HEAD answered without a body,
OPTIONS, write methods 405, methods greenlight does not implement 501, a
request line and headers over 16 KiB 400, a GET whose announced body never
comes answered at once, a 4 MiB POST refused without being read, malformed
requests 400.
"""
import socket
import sys
import threading
import time

HOST = "127.0.0.1"
TIMEOUT = 5.0
# Between two requests of a storm thread: a hostile client, not a CPU flood
# (4 threads make about 60 requests a second).
PAUSE = 0.05


def exchange(port, data, read_body=True):
    """Sends data, returns (status, headers dict, body bytes, seconds)."""
    start = time.monotonic()
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading it all
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    raw = b"".join(chunks)
    elapsed = time.monotonic() - start
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1."):
        return None, {}, raw, elapsed
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body, elapsed


def request(method, path, headers=(), body=b""):
    text = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    text += "".join(f"{h}\r\n" for h in headers)
    return text.encode("latin-1") + b"\r\n" + body


def cases(port):
    """(name, bytes to send, predicate on (status, headers, body, seconds))."""
    try:
        get_body = exchange(port, request("GET", "/metrics"))[2]
    except OSError:
        get_body = b""
    big_line = request("GET", "/metrics?" + "a" * 20000)
    big_headers = request("GET", "/metrics", [f"X-Filler-{i}: {'b' * 400}" for i in range(60)])
    allow = lambda h: "GET" in h.get("allow", "") and "HEAD" in h.get("allow", "")
    return [
        ("HEAD /metrics: 200, GET's Content-Length, no body",
         request("HEAD", "/metrics"),
         lambda st, h, b, t: st == 200 and b == b""
         and abs(int(h.get("content-length", -1)) - len(get_body)) <= len(get_body) // 10),
        ("HEAD /-/healthy: 200 without a body", request("HEAD", "/-/healthy"),
         lambda st, h, b, t: st == 200 and b == b"" and int(h["content-length"]) > 0),
        ("HEAD on an unknown path: 404 without a body", request("HEAD", "/nosuch"),
         lambda st, h, b, t: st == 404 and b == b""),
        ("OPTIONS: 204 with Allow", request("OPTIONS", "/metrics"),
         lambda st, h, b, t: st == 204 and allow(h) and b == b""),
        ("POST: 405 with Allow", request("POST", "/metrics", ["Content-Length: 1"], b"x"),
         lambda st, h, b, t: st == 405 and allow(h)),
        ("PUT: 405", request("PUT", "/api/v1/checks", ["Content-Length: 2"], b"{}"),
         lambda st, h, b, t: st == 405 and allow(h)),
        ("DELETE: 405", request("DELETE", "/api/v1/runs"), lambda st, h, b, t: st == 405),
        ("PATCH: 405", request("PATCH", "/", ["Content-Length: 0"]), lambda st, h, b, t: st == 405),
        ("TRACE: 405", request("TRACE", "/"), lambda st, h, b, t: st == 405 and allow(h)),
        ("CONNECT: 405", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
         lambda st, h, b, t: st == 405),
        ("an unknown method (BREW): 501", request("BREW", "/metrics"),
         lambda st, h, b, t: st == 501 and allow(h)),
        ("a WebDAV method (PROPFIND): 501", request("PROPFIND", "/"),
         lambda st, h, b, t: st == 501),
        ("a 20 KiB request line: 400", big_line, lambda st, h, b, t: st == 400),
        ("24 KiB of headers: 400", big_headers, lambda st, h, b, t: st == 400),
        ("GET announcing a 100 MB body never sent: answered within 1 s",
         request("GET", "/-/healthy", ["Content-Length: 100000000"]),
         lambda st, h, b, t: st == 200 and t < 1.0),
        ("a 4 MiB POST: 405 without being read",
         request("POST", "/metrics", [f"Content-Length: {4 << 20}"], b"z" * (4 << 20)),
         lambda st, h, b, t: st == 405 and t < 2.0),
        ("an absolute-form target on our port: served (RFC 9112 3.2.2)",
         request("GET", f"http://127.0.0.1:{port}/-/healthy"),
         lambda st, h, b, t: st == 200 and b.startswith(b"greenlight")),
        ("a path with a trailing dot is another path: 404", request("GET", "/metrics."),
         lambda st, h, b, t: st == 404),
        ("a path with a trailing encoded dot is another path: 404", request("GET", "/-/healthy%2e"),
         lambda st, h, b, t: st == 404),
        ("binary garbage: 400", b"\x00\x01\x02garbage\r\n\r\n", lambda st, h, b, t: st == 400),
        ("a header line without a colon: 400", request("GET", "/", ["NoColonHere"]),
         lambda st, h, b, t: st == 400),
    ]


def check(port):
    failures = 0
    for name, data, good in cases(port):
        try:
            result = exchange(port, data)
            ok = good(*result)
            why = f"status {result[0]}, {len(result[2])} body bytes, {result[3]:.2f} s, {result[1]}"
        except Exception as error:  # a refused or timed-out exchange is a failure
            ok, why = False, repr(error)
        print(("ok " if ok else "FAILED ") + name + ("" if ok else ": " + why))
        failures += not ok
    return 1 if failures else 0


def storm(port, seconds):
    todo = cases(port)
    counts = {"answered as expected": 0, "unexpected": 0}
    unexpected = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def loop(offset):
        i = offset
        while time.monotonic() < end:
            name, data, good = todo[i % len(todo)]
            i += 1
            try:
                result = exchange(port, data)
                ok = good(*result)
                what = f"{name}: status {result[0]} in {result[3]:.2f} s"
            except Exception as error:
                ok, what = False, f"{name}: {error!r}"
            with lock:
                counts["answered as expected" if ok else "unexpected"] += 1
                if not ok and len(unexpected) < 10:
                    unexpected.append(what)
            time.sleep(PAUSE)

    threads = [threading.Thread(target=loop, args=(k * 5,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"hostile requests: {counts['answered as expected']} answered as expected, "
          f"{counts['unexpected']} not")
    for what in unexpected:
        print("  unexpected: " + what)
    return 1 if counts["unexpected"] or not counts["answered as expected"] else 0


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "check":
        sys.exit(check(port))
    sys.exit(storm(port, float(sys.argv[3])))
