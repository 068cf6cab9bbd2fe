#!/usr/bin/python3
"""A DNS resolver that answers late or not at all: every UDP query received
on LISTEN is relayed to UPSTREAM (a real dnsmasq) and its answer sent back
after the delay that CONTROL holds (milliseconds), or never when CONTROL
holds "drop". CONTROL is read again for every query, so a test switches a
running relay between fast, slow and silent. Loopback only.

Usage: dns_delay_relay.py LISTEN_ADDRESS:PORT UPSTREAM_ADDRESS:PORT CONTROL
"""
import socket
import sys
import threading
import time


def address(text):
    host, port = text.rsplit(":", 1)
    if not host.startswith("127."):
        sys.exit("dns_delay_relay: loopback addresses only, not %s" % host)
    return host, int(port)


def delay(control):
    """Seconds to hold the answer, or None to drop it."""
    try:
        with open(control) as handle:
            word = handle.read().split()[0]
    except (OSError, IndexError):
        return 0.0
    return None if word == "drop" else float(word) / 1000


def relay(sock, upstream, query, client, wait):
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.settimeout(5)
    try:
        up.sendto(query, upstream)
        answer = up.recv(4096)
    except OSError:
        return
    finally:
        up.close()
    time.sleep(wait)
    sock.sendto(answer, client)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    listen, upstream, control = address(sys.argv[1]), address(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(listen)
    while True:
        query, client = sock.recvfrom(4096)
        wait = delay(control)
        if wait is not None:
            threading.Thread(target=relay, args=(sock, upstream, query, client, wait),
                             daemon=True).start()


if __name__ == "__main__":
    main()
