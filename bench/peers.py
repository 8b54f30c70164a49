#!/usr/bin/python3
"""The pandas peer of `pirx load` + `pirx report` for `make bench`.

usage: /usr/bin/python3 bench/peers.py CORPUS_DIR [--out DIR]

Reads the corpus CSV files with pandas (Debian python3-pandas) and computes
the part of pirx's report that is plain dataframe work, with pirx's
definitions (SPEC section 3) and pirx's default report month (the last
complete month: the month of the latest started_at when the data reaches
its last day, otherwise the month before; the as-of instant is the first
instant of the month after it):

  durations.csv   month, metric (ttd, tta, ttm, ttr), severity (all, SEV1..),
                  n, median_min: the median of every duration whose both ends
                  are known, that is not negative and ends before as-of.
                  (pirx also gives p90, mean and a 2000-resample bootstrap
                  CI per cell; the peer does not.)
  actions.csv     month (of created_at), priority (all, must-fix, ...),
                  created, completed (completed_at before as-of), cancelled,
                  completion_rate = completed / (created - cancelled).
  engaged.csv     month, responder, engaged_hours: the UNION of each
                  responder's [joined_at, end) intervals (end = left_at, else
                  the incident's resolved_at, else as-of; clipped at as-of),
                  split at UTC month boundaries, so overlapping incidents
                  count once, as pirx's responder_load.csv does (pirx splits
                  months in UTC too).

Not computed: trends, clusters, recurrence, off-hours/sleep time in local
time zones, scores, charts, the report. Prints one summary line to stdout;
with --out writes the three CSV files for a cross-check against pirx.
Only gen-style corpora are handled: canonical column names, SEVn/Pn/n
severities, ISO 8601 times.
"""
import sys

import numpy as np
import pandas as pd

NS = 1_000_000_000


def to_unix(col):
    """ISO 8601 text column -> int64 Unix seconds, NaN-safe (float64)."""
    t = pd.to_datetime(col, utc=True)
    s = t.astype("int64") // NS
    return s.where(t.notna()).astype("float64")


def month_index(secs):
    """Unix seconds (float, may be NaN) -> months since 1970-01 (float)."""
    d = pd.to_datetime(secs, unit="s")
    return (d.dt.year - 1970) * 12 + d.dt.month - 1


def month_start(m):
    y, mo = divmod(int(m), 12)
    return int(pd.Timestamp(year=1970 + y, month=mo + 1, day=1, tz="UTC").value // NS)


def month_label(m):
    y, mo = divmod(int(m), 12)
    return "%04d-%02d" % (1970 + y, mo + 1)


def severity_number(col):
    s = col.astype("string").str.strip().str.upper()
    s = s.str.replace(r"^(SEV|P)", "", regex=True)
    return pd.to_numeric(s, errors="coerce")


def durations(inc, as_of):
    pairs = {"ttd": ("started_at", "detected_at"),
             "tta": ("detected_at", "acknowledged_at"),
             "ttm": ("started_at", "mitigated_at"),
             "ttr": ("started_at", "resolved_at")}
    frames = []
    for metric, (a, b) in pairs.items():
        d = (inc[b] - inc[a]) / 60.0
        ok = inc[a].notna() & inc[b].notna() & (d >= 0) & (inc[b] < as_of)
        f = pd.DataFrame({"month": inc["month"][ok], "sev": inc["sev"][ok], "min": d[ok]})
        f["metric"] = metric
        frames.append(f)
    f = pd.concat(frames, ignore_index=True)
    by_sev = f.dropna(subset=["sev"]).groupby(["month", "metric", "sev"])["min"].agg(["size", "median"])
    by_all = f.groupby(["month", "metric"])["min"].agg(["size", "median"])
    by_all["sev"] = 0
    by_all = by_all.set_index("sev", append=True)
    out = pd.concat([by_sev, by_all]).reset_index()
    out["severity"] = np.where(out["sev"] == 0, "all", "SEV" + out["sev"].astype(int).astype(str))
    return out.sort_values(["month", "metric", "sev"])[["month", "metric", "severity", "size", "median"]]


def actions(ai, as_of):
    ai = ai[ai["created_at"] < as_of].copy()
    ai["completed"] = ai["completed_at"].notna() & (ai["completed_at"] < as_of)
    ai["cancelled"] = ai["status"].astype("string").str.strip().str.lower().eq("cancelled")
    ai["completed"] &= ~ai["cancelled"]
    ai["month"] = month_index(ai["created_at"])
    g1 = ai.groupby(["month", "priority"])[["completed", "cancelled"]].agg(["sum", "size"])
    g0 = ai.groupby(["month"])[["completed", "cancelled"]].agg(["sum", "size"])
    g0["priority"] = "all"
    g0 = g0.set_index("priority", append=True)
    g = pd.concat([g0, g1])
    out = pd.DataFrame({"created": g[("completed", "size")],
                        "completed": g[("completed", "sum")],
                        "cancelled": g[("cancelled", "sum")]})
    out["completion_rate"] = out["completed"] / (out["created"] - out["cancelled"])
    return out.reset_index().sort_values(["month", "priority"])


def engaged(rsp, inc, as_of):
    r = rsp.merge(inc[["id", "resolved_at"]], left_on="incident_id", right_on="id", how="inner")
    r = r[r["joined_at"] < as_of]
    end = r["left_at"].fillna(r["resolved_at"]).fillna(as_of).clip(upper=as_of)
    iv = pd.DataFrame({"who": r["responder"].values, "s": r["joined_at"].values, "e": end.values})
    iv = iv[iv["e"] > iv["s"]].sort_values(["who", "s"], kind="stable").reset_index(drop=True)
    # Union per responder: a new block starts where the start passes the
    # running maximum of the previous ends.
    run_max = iv.groupby("who")["e"].cummax()
    prev = run_max.groupby(iv["who"]).shift(1)
    block = (prev.isna() | (iv["s"] > prev)).cumsum()
    u = iv.groupby(block).agg(who=("who", "first"), s=("s", "min"), e=("e", "max"))
    # Split the merged intervals at UTC month boundaries.
    u["m"] = month_index(u["s"])
    months = np.arange(int(u["m"].min()), int(u["m"].max()) + 2)
    starts = pd.Series([month_start(m) for m in months], index=months)
    pieces = []
    while len(u):
        nxt = starts.loc[u["m"] + 1].values
        piece = u.copy()
        piece["e"] = np.minimum(u["e"].values, nxt)
        pieces.append(piece)
        u = u[u["e"].values > nxt].copy()
        u["s"] = starts.loc[u["m"] + 1].values
        u["m"] = u["m"] + 1
    p = pd.concat(pieces)
    p["hours"] = (p["e"] - p["s"]) / 3600.0
    return p.groupby(["m", "who"])["hours"].sum().reset_index()


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: peers.py CORPUS_DIR [--out DIR]\n")
        return 2
    corpus = argv[1]
    out = argv[argv.index("--out") + 1] if "--out" in argv else None
    inc = pd.read_csv(corpus + "/incidents.csv", dtype=str, keep_default_na=False, na_values=[""])
    for c in ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"):
        inc[c] = to_unix(inc[c])
    inc["sev"] = severity_number(inc["severity"])
    inc["month"] = month_index(inc["started_at"])
    last = int(inc["started_at"].max())
    m = int(month_index(pd.Series([float(last)])).iloc[0])
    report_month = m if last >= month_start(m + 1) - 86400 else m - 1
    as_of = month_start(report_month + 1)

    ai = pd.read_csv(corpus + "/action_items.csv", dtype=str, keep_default_na=False, na_values=[""])
    for c in ("created_at", "completed_at"):
        ai[c] = to_unix(ai[c])
    rsp = pd.read_csv(corpus + "/responders.csv", dtype=str, keep_default_na=False, na_values=[""])
    for c in ("joined_at", "left_at"):
        rsp[c] = to_unix(rsp[c])

    d = durations(inc, as_of)
    a = actions(ai, as_of)
    e = engaged(rsp, inc, as_of)
    if out:
        d = d.assign(month=d["month"].map(month_label))
        d.to_csv(out + "/durations.csv", index=False, float_format="%.2f")
        a = a.assign(month=a["month"].map(month_label))
        a.to_csv(out + "/actions.csv", index=False, float_format="%.4f")
        e = e.assign(m=e["m"].map(month_label)).rename(columns={"m": "month", "who": "responder"})
        e.to_csv(out + "/engaged.csv", index=False, float_format="%.2f")
    print("peers: %d incidents, report month %s: %d duration cells, %d action cells, %d responder-months"
          % (len(inc), month_label(report_month), len(d), len(a), len(e)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
