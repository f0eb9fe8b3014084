#!/usr/bin/env python3
"""synthgen's RoPE tables are true: freq_cis_real[pos][j] and freq_cis_imag[pos][j] are, to
within 2 ULP of binary32, cos and sin of val, with freq = 1 / 10000^(2j / head_size) and
val = pos * freq rounded to binary32 at each step as run.c computes them (here in Python,
independently of the C code), and the tables sit where the legacy checkpoint format puts
them (after rms_final_weight). usage: test_synth_rope.py CHECKPOINT..."""
import math
import struct
import sys


def ulps(a, b):
    def ordered(x):
        bits = struct.unpack("<i", struct.pack("<f", x))[0]
        return bits if bits >= 0 else -(bits & 0x7FFFFFFF)
    return abs(ordered(a) - ordered(b))


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def check(path):
    data = open(path, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("<7i", data[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    head = dim // heads
    kv_dim = head * kv_heads
    floats = (vocab * dim + layers * dim + layers * dim * dim + 2 * layers * dim * kv_dim + layers * dim * dim
              + layers * dim + 3 * layers * dim * hidden + dim)
    at = 28 + 4 * floats
    n = seq_len * head // 2
    real = struct.unpack("<%df" % n, data[at:at + 4 * n])
    imag = struct.unpack("<%df" % n, data[at + 4 * n:at + 8 * n])
    worst = 0
    for pos in range(seq_len):
        for j in range(head // 2):
            freq = f32(1.0 / f32(10000.0 ** f32(f32(2 * j) / head)))
            angle = f32(pos * freq)
            for table, f in ((real, math.cos), (imag, math.sin)):
                want = struct.unpack("<f", struct.pack("<f", f(angle)))[0]
                got = table[pos * (head // 2) + j]
                # near a zero of cos or sin an ULP of the angle is many ULPs of the value
                worst = max(worst, ulps(got, want) if abs(want) > 1e-3 else 0)
                if abs(got - want) > 2e-7 or (abs(want) > 1e-3 and ulps(got, want) > 2):
                    sys.exit("%s: freq_cis at pos %d, pair %d: %r, but cos/sin gives %r" % (path, pos, j, got, want))
    rest = len(data) - (at + 8 * n) - (0 if shared else 4 * vocab * dim)
    if rest != 0:
        sys.exit("%s: %d bytes after the RoPE tables and classifier" % (path, rest))
    if real[0] != 1.0 or imag[0] != 0.0 or all(v == 0.0 for v in real[1:]):
        sys.exit("%s: the RoPE tables are not cos/sin (first row %r, %r)" % (path, real[0], imag[0]))
    print("ok: %s: %d x %d RoPE pairs, within %d ULP of cos/sin (2e-7 absolute near zeros)" % (path, seq_len, head // 2, worst))


for p in sys.argv[1:]:
    check(p)
