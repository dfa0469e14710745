#!/usr/bin/env python3
"""A stand-in Zebra printer for the demo: prints to files.

Listens on 127.0.0.1:PORT (raw TCP, as a Zebra's port 9100), answers ~HS
with a ready printer's host status (the three lines a ZT410 sends) and
writes the ZPL of each connection that carries a label (from ^XA) to
DIR/job-NNN.zpl. cellchain-label station prints to it as to a real printer,
so the label in the file is the one the labels service decided and
recorded. One connection at a time; runs until killed.

usage: file-printer.py PORT DIR
"""
import os
import socket
import sys

# STX/ETX-framed ~HS answer: paper in, not paused, head closed, ribbon in.
READY = (b"\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
         b"\x02001,0,0,0,1,2,0,0,00000000,1,000\x03\r\n"
         b"\x021234,0\x03\r\n")


def main():
    port, out_dir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(4)
    jobs = 0
    while True:
        conn, _ = server.accept()
        conn.settimeout(10)
        got, answered = b"", False
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += chunk
                # A printer answers ~HS as soon as it reads it.
                if not answered and b"~HS" in got:
                    conn.sendall(READY)
                    answered = True
        except OSError:
            pass
        conn.close()
        start = got.find(b"^XA")
        if start >= 0:
            jobs += 1
            path = os.path.join(out_dir, "job-%03d.zpl" % jobs)
            with open(path + ".tmp", "wb") as f:
                f.write(got[start:])
            os.rename(path + ".tmp", path)


if __name__ == "__main__":
    main()
