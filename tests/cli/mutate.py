#!/usr/bin/env python3
"""mutate.py: writes N randomly damaged copies of listing pages (seeded).

    mutate.py SEED N OUTDIR PAGE...

Each copy takes one page and applies 1-8 damages: bytes flipped, random
bytes inserted (NULs, invalid UTF-8, control characters), lines duplicated,
deleted or swapped, the page cut short, a line made very long, blank lines
added or removed.  The same seed gives the same files.
"""
import os, random, sys


def damage(rnd, data):
    lines = data.split(b'\n')
    kind = rnd.randrange(8)
    if kind == 0 and data:                      # flip bytes
        b = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    if kind == 1:                               # insert hostile bytes
        pos = rnd.randrange(len(data) + 1)
        junk = bytes(rnd.choice([0, 1, 0x1b, 0x80, 0xc0, 0xff, 0xe2, 0x0d, 0x0a])
                     for _ in range(rnd.randint(1, 40)))
        return data[:pos] + junk + data[pos:]
    if kind == 2 and lines:                     # duplicate a line
        i = rnd.randrange(len(lines))
        lines.insert(i, lines[i])
    elif kind == 3 and len(lines) > 1:          # delete a line
        del lines[rnd.randrange(len(lines))]
    elif kind == 4 and len(lines) > 1:          # swap two lines
        i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 5:                             # cut short
        return data[:rnd.randrange(len(data) + 1)]
    elif kind == 6 and lines:                   # a very long line
        i = rnd.randrange(len(lines))
        lines[i] = lines[i] * rnd.randint(50, 400)
    elif kind == 7 and lines:                   # blank lines added or removed
        i = rnd.randrange(len(lines))
        if lines[i] == b'':
            del lines[i]
        else:
            lines[i:i] = [b''] * rnd.randint(1, 3)
    return b'\n'.join(lines)


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    pages = [open(p, 'rb').read() for p in sys.argv[4:]]
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for k in range(n):
        data = rnd.choice(pages)
        for _ in range(rnd.randint(1, 8)):
            data = damage(rnd, data)
        with open(os.path.join(out, 'm%03d.txt' % k), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
