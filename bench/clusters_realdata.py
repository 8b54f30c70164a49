#!/usr/bin/env python3
"""Wraps the real post-mortem root causes as a pirx corpus.

usage: clusters_realdata.py FACTORS_CSV [META_CSV] OUT_DIR

FACTORS_CSV is ../shared/realdata/postmortem-factors/factors.csv
(id,source,category,text). Writes OUT_DIR/incidents.csv (one incident per
row, started at the post-mortem's date from META_CSV when known, else
2020-01-01, spread by a minute per row so the order is stable; detected
a minute later, resolved after the post-mortem's duration or an hour) and
OUT_DIR/factors.csv (id = the row's id, its text and the researcher's
category). The data stays outside the repository.
"""
import csv
import datetime
import os
import sys


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    src, out = argv[1], argv[-1]
    meta = {}
    if len(argv) == 4:
        with open(argv[2], newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                meta[r["id"]] = (r.get("date", ""), r.get("duration_min", ""))
    os.makedirs(out, exist_ok=True)
    with open(src, newline="", encoding="utf-8") as f, \
         open(os.path.join(out, "incidents.csv"), "w", newline="", encoding="utf-8") as fi, \
         open(os.path.join(out, "factors.csv"), "w", newline="", encoding="utf-8") as ff:
        wi, wf = csv.writer(fi, lineterminator="\n"), csv.writer(ff, lineterminator="\n")
        wi.writerow(["id", "started_at", "detected_at", "resolved_at", "service"])
        wf.writerow(["id", "incident_id", "category", "text"])
        for n, r in enumerate(csv.DictReader(f)):
            d, dur = meta.get(r["id"], ("", ""))
            if len(d) != 10 or not d[:4].isdigit():
                d = "2020-01-01"
            start = datetime.datetime.fromisoformat(d) + datetime.timedelta(minutes=n % 1440)
            try:
                minutes = max(1, int(float(dur)))
            except ValueError:
                minutes = 60
            fmt = "%Y-%m-%dT%H:%M:%SZ"
            wi.writerow([r["id"], start.strftime(fmt), (start + datetime.timedelta(minutes=1)).strftime(fmt),
                         (start + datetime.timedelta(minutes=minutes)).strftime(fmt), r["source"]])
            wf.writerow([r["id"], r["id"], r["category"], r["text"]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
