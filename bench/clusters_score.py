#!/usr/bin/env python3
"""Scores pirx's factor clusters against a reference partition.

usage: clusters_score.py TRUTH_CSV ASSIGNMENTS_CSV [--column mode] [--id-column factor_id]
                         [--confusion N]

TRUTH_CSV maps a factor id (column --id-column, default factor_id, or id
when absent) to a reference group (column --column, default mode).
ASSIGNMENTS_CSV is the report's factor_assignments.csv. Prints
"ari NMI_VALUE n" on one line: the adjusted Rand index (Hubert-Arabie),
the normalized mutual information (arithmetic-mean normalization, as
pirx_clusters_nmi) and the number of factors in both files. With
--confusion N, also prints for each reference group its N largest
clusters (to stderr).
"""
import csv
import math
import sys
from collections import Counter, defaultdict


def c2(x):
    return x * (x - 1) / 2


def scores(pairs):
    n = len(pairs)
    a = Counter(p[0] for p in pairs)
    b = Counter(p[1] for p in pairs)
    ab = Counter(pairs)
    sa = sum(c2(v) for v in a.values())
    sb = sum(c2(v) for v in b.values())
    sab = sum(c2(v) for v in ab.values())
    expect = sa * sb / c2(n)
    maxi = (sa + sb) / 2
    ari = 1.0 if maxi == expect else (sab - expect) / (maxi - expect)
    h = lambda c: -sum(v / n * math.log(v / n) for v in c.values())
    ha, hb, hab = h(a), h(b), h(ab)
    nmi = 1.0 if ha + hb == 0 else 2 * (ha + hb - hab) / (ha + hb)
    return ari, nmi


def main(argv):
    args = argv[1:]
    col, idcol, conf = "mode", None, 0
    files = []
    i = 0
    while i < len(args):
        if args[i] == "--column":
            col = args[i + 1]; i += 2
        elif args[i] == "--id-column":
            idcol = args[i + 1]; i += 2
        elif args[i] == "--confusion":
            conf = int(args[i + 1]); i += 2
        else:
            files.append(args[i]); i += 1
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    truth = {}
    with open(files[0], newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        key = idcol or ("factor_id" if "factor_id" in r.fieldnames else "id")
        for row in r:
            truth[row[key]] = row[col]
    pairs = []
    with open(files[1], newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["factor_id"] in truth:
                pairs.append((truth[row["factor_id"]], row["cluster_id"]))
    if len(pairs) < 2:
        print("clusters_score: fewer than 2 common factors", file=sys.stderr)
        return 1
    ari, nmi = scores(pairs)
    print("%.4f %.4f %d" % (ari, nmi, len(pairs)))
    if conf:
        by = defaultdict(Counter)
        for t, c in pairs:
            by[t][c] += 1
        for t in sorted(by, key=lambda t: -sum(by[t].values())):
            tot = sum(by[t].values())
            top = ", ".join("%s %d" % (c, k) for c, k in by[t].most_common(conf))
            print("%-28s %5d  %s" % (t, tot, top), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
