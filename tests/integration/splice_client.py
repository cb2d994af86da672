"""splice_client.py - the 9P client of frontend_splice.sh: large Rreads
(the frontend's splice path) checked byte for byte and frame by frame.

    python3 splice_client.py ADDR EXPORT PID

ADDR is unix:/path or tcp:HOST:PORT; EXPORT the exported directory (the
test writes its files there); PID the frontend's (its descriptors show
whether a pipe was made).  Prints TAP lines without numbers ("ok - ...",
"not ok - ..."); the shell numbers them.
"""
import os
import socket
import struct
import sys
import threading
import time

MSIZE = 1 << 20
MAXDATA = MSIZE - 24
RLERROR, RFLUSH, RREAD = 7, 109, 117


def tap(good, what):
    print("%s - %s" % ("ok" if good else "not ok", what), flush=True)


def s(x):
    return struct.pack("<H", len(x)) + x


class Conn:
    """One connection; every reply frame is checked as it is read."""

    def __init__(self, addr, msize=MSIZE):
        if addr.startswith("unix:"):
            self.a = socket.socket(socket.AF_UNIX)
            self.a.connect(addr[5:])
        else:
            host, port = addr[4:].rsplit(":", 1)
            self.a = socket.create_connection((host, int(port)))
        self.bad = []
        self.send(100, 0xFFFF, struct.pack("<I", msize) + s(b"9P2000.L"))
        t, tag, body = self.frame()
        self.msize = struct.unpack("<I", body[:4])[0]

    def send(self, typ, tag, body):
        self.a.sendall(struct.pack("<IBH", 7 + len(body), typ, tag) + body)

    def recvn(self, n):
        b = self.a.recv(n, socket.MSG_WAITALL)
        if len(b) != n:
            raise EOFError("connection closed")
        return b

    def frame(self):
        size, t, tag = struct.unpack("<IBH", self.recvn(7))
        if size < 7 or size > MSIZE:
            self.bad.append("frame size %d" % size)
            raise EOFError("bad frame")
        body = self.recvn(size - 7)
        if t == RREAD and (len(body) < 4 or
                           struct.unpack("<I", body[:4])[0] != size - 11):
            self.bad.append("Rread count does not match size %d" % size)
        return t, tag, body

    def rpc(self, typ, tag, body):
        self.send(typ, tag, body)
        return self.frame()

    def attach_open(self, fid, name, flags=0):
        self.rpc(104, 1, struct.pack("<II", 0, 0xFFFFFFFF) + s(b"root") +
                 s(b"") + struct.pack("<I", 0))
        t, _, _ = self.rpc(110, 1, struct.pack("<IIH", 0, fid, 1) + s(name))
        if t != 111:
            return False
        t, _, _ = self.rpc(12, 1, struct.pack("<II", fid, flags))
        return t == 13

    def tread(self, tag, fid, off, count):
        self.send(116, tag, struct.pack("<IQI", fid, off, count))

    def read(self, fid, off, count, tag=2):
        t, rtag, body = self.rpc(116, tag, struct.pack("<IQI", fid, off,
                                                       count))
        if t == RLERROR:
            return -struct.unpack("<I", body[:4])[0]
        return body[4:] if t == RREAD and rtag == tag else None


def pipes_of(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("pipe:"):
                n += 1
        except OSError:
            pass
    return n


def exact(c, data, cases, what):
    good = True
    for off, count in cases:
        got = c.read(1, off, count)
        want = data[off:off + min(count, MAXDATA)]
        if got != want:
            good = False
            print("# %s: off %d count %d: got %s bytes, want %d" % (
                what, off, count, len(got) if isinstance(got, bytes)
                else got, len(want)))
    tap(good and not c.bad, what)


def test_exact(addr, exp, pid):
    data = os.urandom(3 * MSIZE + 12345)
    with open(os.path.join(exp, "sp.bin"), "wb") as f:
        f.write(data)
    before = pipes_of(pid)
    c = Conn(addr)
    tap(c.msize == MSIZE and c.attach_open(1, b"sp.bin"),
        "msize 1 MiB, file opened")
    exact(c, data, [(0, 4096), (1, 65535), (4095, 32768)],
          "small reads byte-exact")
    small_pipes = pipes_of(pid)
    sizes = [65535, 65536, 65537, 131072, 500001, MAXDATA, MSIZE]
    offs = [0, 1, 4095, 4097, 12345, MSIZE + 7]
    exact(c, data, [(o, n) for n in sizes for o in offs],
          "reads around the threshold, unaligned offsets, byte-exact")
    end = len(data)
    exact(c, data, [(end - 100, 200000), (end - 70000, MAXDATA),
                    (end - MAXDATA - 5, MAXDATA), (end, 200000),
                    (end + 1, 200000), (1 << 40, MAXDATA)],
          "reads across, at and past end of file")
    big_pipes = pipes_of(pid)
    tap(small_pipes == before and big_pipes > before,
        "only large reads use a pipe (%d, %d, %d)" % (before, small_pipes,
                                                      big_pipes))
    return data, before


def test_pipelined(addr, data, pid, before):
    """Many Treads in flight on one connection: every frame whole, every
    tag answered once with its own bytes; more than the server has pipes
    for (16, shared by all connections), so some take the plain path."""
    c = Conn(addr)
    c.attach_open(1, b"sp.bin")
    want = {}
    for i in range(96):
        off = (i * 77777) % (len(data) - 1000)
        count = [65536, 200000, MAXDATA, 70001][i % 4]
        want[10 + i] = data[off:off + count]
        c.tread(10 + i, 1, off, count)
    good = True
    try:
        while want:
            t, tag, body = c.frame()
            if t != RREAD or tag not in want or body[4:] != want.pop(tag):
                good = False
                break
    except EOFError:
        good = False
    tap(good and not c.bad, "96 concurrent reads on one connection: frames "
        "whole, each tag its own bytes")
    made = pipes_of(pid) - before
    tap(0 < made <= 2 * 16, "the pipes stay bounded (%d ends)" % made)


def churn(path, stop, size):
    """Truncate and re-extend the file until told to stop; the pattern
    written back is the file's original content."""
    pat = bytes(range(256)) * (size // 256)
    fd = os.open(path, os.O_WRONLY)
    i = 0
    while not stop.is_set():
        os.ftruncate(fd, (i * 300007) % size)
        os.pwrite(fd, pat, 0)
        i += 1
    os.close(fd)


def plausible(got, pat, off):
    """Every byte is the pattern's or a zero (a hole left by truncation
    and extension); checked a page at a time."""
    want = pat[off:off + len(got)]
    for p in range(0, len(got), 4096):
        g, w = got[p:p + 4096], want[p:p + 4096]
        if g == w or g == bytes(len(g)):
            continue
        if any(x != y and x != 0 for x, y in zip(g, w)):
            return False
    return True


def test_churn(addr, exp):
    size = 2 * MSIZE
    pat = bytes(range(256)) * (size // 256)
    path = os.path.join(exp, "churn.bin")
    with open(path, "wb") as f:
        f.write(pat)
    c = Conn(addr)
    c.attach_open(1, b"churn.bin")
    stop = threading.Event()
    th = threading.Thread(target=churn, args=(path, stop, size))
    th.start()
    good, n, deadline = True, 0, time.time() + 3
    try:
        while time.time() < deadline:
            off = (n * 123457) % size
            got = c.read(1, off, MAXDATA, tag=3 + n % 100)
            n += 1
            if not isinstance(got, bytes) or not plausible(got, pat, off):
                good = False
                break
    except EOFError:
        good = False
    stop.set()
    th.join()
    tap(good and not c.bad, "%d reads of a file truncated and extended "
        "meanwhile: frames whole, bytes plausible" % n)


def test_flush(addr, data):
    """Tflush right behind a big Tread: Rread (if any) strictly before
    Rflush, nothing after it."""
    c = Conn(addr)
    c.attach_open(1, b"sp.bin")
    good, answered = True, 0
    try:
        for i in range(200):
            off = (i * 4099) % MSIZE
            tread = struct.pack("<IBHIQI", 23, 116, 20, 1, off, MAXDATA)
            tflush = struct.pack("<IBHH", 9, 108, 21, 20)
            if i % 3 == 0:	# both at once: flushed before it starts
                c.a.sendall(tread + tflush)
            else:		# while the reply is made or on the wire
                c.a.sendall(tread)
                if i % 3 == 1:
                    c.a.recv(1, socket.MSG_PEEK)
                else:
                    time.sleep(0.0001 * (i % 7))
                c.a.sendall(tflush)
            t, tag, body = c.frame()
            if t == RREAD and tag == 20:
                answered += 1
                if body[4:] != data[off:off + MAXDATA]:
                    good = False
                t, tag, body = c.frame()
            if t != RFLUSH or tag != 21:
                good = False
                break
        # nothing stray afterwards: the next reply is the next request's
        t, tag, body = c.rpc(116, 22, struct.pack("<IQI", 1, 0, 65536))
        good = good and tag == 22 and body[4:] == data[:65536]
    except EOFError:
        good = False
    tap(good and not c.bad, "Tflush racing a big read, 200 times: Rread "
        "before Rflush (%d answered), never after" % answered)


def test_gone(addr, data):
    """Clients that leave with big replies unread: the server copes."""
    for i in range(20):
        c = Conn(addr)
        c.attach_open(1, b"sp.bin")
        for t in range(8):
            c.tread(30 + t, 1, t * 4097, MAXDATA)
        if i % 2:
            c.a.shutdown(socket.SHUT_RD)
        c.a.close()
    c = Conn(addr)
    c.attach_open(1, b"sp.bin")
    tap(c.read(1, 5, MAXDATA) == data[5:5 + MAXDATA],
        "20 clients closed with big replies in flight: still serving")


def test_dir(addr):
    c = Conn(addr)
    c.rpc(104, 1, struct.pack("<II", 0, 0xFFFFFFFF) + s(b"root") + s(b"") +
          struct.pack("<I", 0))
    c.rpc(110, 1, struct.pack("<IIH", 0, 1, 0))
    t, _, _ = c.rpc(12, 1, struct.pack("<II", 1, 0))
    tap(t == 13 and c.read(1, 0, MAXDATA) == -21,
        "a big Tread of a directory fid: EISDIR, as before")


def sysctl(name):
    with open("/proc/sys/net/core/" + name) as f:
        return int(f.read())


def test_sndbuf(addr, data):
    """A unix connection may queue more than the default send buffer:
    four 1 MiB reads asked at once, none read back for a while, must have
    put more than 1.2 x net.core.wmem_default on the wire (at the default
    buffer at most about 1 x fits), then arrive byte-exact."""
    if not addr.startswith("unix:"):
        return
    import fcntl
    import termios
    c = Conn(addr)
    c.attach_open(1, b"sp.bin")
    for i in range(4):
        c.tread(10 + i, 1, i * MAXDATA, MAXDATA)
    queued = 0
    for _ in range(50):		# up to 5 s for the server to fill it
        time.sleep(0.1)
        q = struct.unpack("i", fcntl.ioctl(c.a, termios.FIONREAD,
                                            b"\0\0\0\0"))[0]
        if q == queued and q > 0:
            break
        queued = q
    want = int(1.2 * sysctl("wmem_default"))
    good, seen = True, set()
    for _ in range(4):		# in any order: four workers answer them
        t, tag, body = c.frame()
        i = tag - 10
        good = good and t == RREAD and 0 <= i < 4 and i not in seen and \
            body[4:] == data[i * MAXDATA:(i + 1) * MAXDATA]
        seen.add(i)
    tap(queued > want and good and not c.bad,
        "%d bytes of replies queued unread (> %d: a send buffer "
        "above the default; wmem_max %d), then byte-exact" % (
            queued, want, sysctl("wmem_max")))


def main():
    if sys.argv[1] == "--probe":	# is the server up yet?
        Conn(sys.argv[2]).a.close()
        return
    addr, exp, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data, before = test_exact(addr, exp, pid)
    test_pipelined(addr, data, pid, before)
    test_sndbuf(addr, data)
    test_churn(addr, exp)
    test_flush(addr, data)
    test_gone(addr, data)
    test_dir(addr)


main()
