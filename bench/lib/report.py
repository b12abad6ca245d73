#!/usr/bin/env python3
"""Turns the raw figures of bench/import-export into a markdown table (stdout) and a JSON file.

usage: report.py MEASURE.tsv KV.tsv OUT.json

MEASURE.tsv: system, op, rep, seconds, rows, bytes, status ("ok" or what failed), note
KV.tsv: key, value (scalars gathered by the script)
"""
import json
import statistics
import sys

OPS = [
    ("import", "import into an empty table", "POST /sales", "\\copy FROM"),
    ("upsert", "re-import, every row exists (upsert)", "POST /sales", "\\copy to temp + INSERT ON CONFLICT"),
    ("export", "export ordered by key", "GET /sales", "\\copy (SELECT ... ORDER BY key) TO"),
]


def load(measure_path, kv_path):
    runs = []
    with open(measure_path) as f:
        for line in f:
            if not line.strip():
                continue
            system, op, rep, secs, rows, nbytes, status, note = line.rstrip("\n").split("\t")
            runs.append({"system": system, "op": op, "rep": int(rep), "seconds": float(secs),
                         "rows": int(rows), "bytes": int(nbytes), "ok": status == "ok",
                         "error": None if status == "ok" else note})
    kv = {}
    with open(kv_path) as f:
        for line in f:
            if line.strip():
                key, _, value = line.rstrip("\n").partition("\t")
                kv[key] = value
    return runs, kv


def num(value):
    for kind in (int, float):
        try:
            return kind(value)
        except (TypeError, ValueError):
            pass
    return value


def summary(runs, system, op):
    sel = [r for r in runs if r["system"] == system and r["op"] == op]
    if not sel:
        return None
    secs = [r["seconds"] for r in sel]
    med = statistics.median(secs)
    rows, nbytes = sel[0]["rows"], sel[0]["bytes"]
    return {
        "runs": len(sel),
        "seconds": [round(s, 3) for s in secs],
        "median_s": round(med, 3),
        "min_s": round(min(secs), 3),
        "max_s": round(max(secs), 3),
        "rows": rows,
        "bytes": nbytes,
        "rows_per_s": round(rows / med) if med > 0 else None,
        "mb_per_s": round(nbytes / 1e6 / med, 1) if med > 0 else None,
        "all_ok": all(r["ok"] for r in sel),
        "errors": [r["error"] for r in sel if not r["ok"]],
    }


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def fmt_int(v):
    return "–" if v is None else f"{v:,}"


def fmt_time(s):
    if s is None:
        return "–"
    text = f"{s['median_s']:.2f}"
    if s["runs"] > 1:
        text += f" ({s['min_s']:.2f}–{s['max_s']:.2f})"
    if not s["all_ok"]:
        text += " **FAILED**"
    return text


def main():
    measure_path, kv_path, out_path = sys.argv[1:4]
    runs, kv = load(measure_path, kv_path)
    rows, reps = int(kv["rows"]), int(kv["reps"])
    pg_on = kv.get("pg") == "1"

    results = {"tdx": {}, "pg": {}, "ratio_tdx_over_pg": {}}
    for op, *_ in OPS:
        results["tdx"][op] = summary(runs, "tdx", op)
        results["pg"][op] = summary(runs, "pg", op) if pg_on else None
        t, p = results["tdx"][op], results["pg"][op]
        results["ratio_tdx_over_pg"][op] = (round(t["median_s"] / p["median_s"], 2)
                                            if t and p and p["median_s"] > 0 else None)

    out = []
    out.append(f"Run {kv['date']}, commit {kv['commit']}{' (tree dirty)' if kv.get('dirty') == 'true' else ''}, "
               f"`{kv['command']}`")
    out.append(f"Machine: {kv['machine.cpus']} CPUs ({kv['machine.cpu']}), {kv['machine.mem_gib']} GiB RAM, "
               f"Linux {kv['machine.kernel']}, {kv['machine.java']}; server -Xmx{kv['xmx']}, "
               f"workspace {kv.get('workspace', '{}')}; load average at start {kv.get('load_start', '?')}")
    out.append("")
    out.append(f"### Timed runs: {rows:,} sales rows ({int(kv['sales_bytes']) / 1e6:.1f} MB), "
               f"{reps} repetition{'s' if reps > 1 else ''} (seconds: median (min–max))")
    out.append("")
    if pg_on:
        out.append("| operation | TDX s | TDX rows/s | TDX MB/s | PostgreSQL s | PG rows/s | PG MB/s | TDX time / PG time |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    else:
        out.append("| operation | TDX s | TDX rows/s | TDX MB/s |")
        out.append("|---|---:|---:|---:|")
    for op, label, _, _ in OPS:
        t, p = results["tdx"][op], results["pg"][op]
        cells = [label, fmt_time(t), fmt_int(t and t["rows_per_s"]), str(t["mb_per_s"]) if t else "–"]
        if pg_on:
            ratio = results["ratio_tdx_over_pg"][op]
            cells += [fmt_time(p), fmt_int(p and p["rows_per_s"]), str(p["mb_per_s"]) if p else "–",
                      f"{ratio:.2f}" if ratio is not None else "–"]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    notes = [f"TDX peak RSS over the timed runs (VmHWM, fresh server per repetition): "
             f"{kv.get('timed.peak_rss_mb', '?')} MB"]
    heaps = [int(v) for k, v in kv.items() if k.startswith("timed.heap_peak_mb.")]
    if heaps:
        notes.append(f"Java heap peak (GC log): {max(heaps)} MB")
    if pg_on:
        notes.append(f"PostgreSQL {kv.get('pg_version', '')} ({kv.get('pg_settings', '')}); exports byte-identical: "
                     f"{kv.get('exports_identical', '?')}")
    else:
        notes.append(f"PostgreSQL comparison skipped: {kv.get('pg_reason', '')}")
    out.append("; ".join(notes) + ".")

    memory = None
    if "gb.rows" in kv:
        gi = summary(runs, "gb", "import")
        ge = summary(runs, "gb", "export")
        memory = {
            "size_gb": num(kv["gb.size"]),
            "rows": int(kv["gb.rows"]),
            "bytes": int(kv["gb.bytes"]),
            "import_ok": bool(gi and gi["all_ok"]),
            "import_http": kv.get("gb.import_http"),
            "import_inserted": num(kv.get("gb.import_inserted")),
            "import": gi,
            "export": ge,
            "rss_after_import_mb": num(kv.get("gb.rss_after_import_mb")),
            "peak_rss_after_import_mb": num(kv.get("gb.peak_rss_after_import_mb")),
            "peak_rss_after_export_mb": num(kv.get("gb.peak_rss_after_export_mb")),
            "heap_peak_mb": num(kv.get("gb.heap_peak_mb")),
            "heap_used_at_end_mb": num(kv.get("gb.heap_used_at_end_mb")),
            "db_mb": num(kv.get("gb.db_mb")),
            "server_died": kv.get("gb.server_died") == "true",
            "out_of_memory_error": kv.get("gb.out_of_memory_error") == "true",
        }
        out.append("")
        out.append(f"### Peak memory: {memory['bytes'] / 1e9:.2f} GB sales file, {memory['rows']:,} rows, "
                   f"fresh server with -Xmx{kv['xmx']}")
        out.append("")
        out.append("| figure | value |")
        out.append("|---|---:|")
        if memory["import_ok"]:
            status = "yes"
        else:
            inserted = memory["import_inserted"]
            status = (f"**NO**: HTTP {memory['import_http']}"
                      + (f", TDX-Rows-Inserted {inserted}" if inserted not in (None, "") else "")
                      + (f": {cell(kv['gb.import_error'])}" if kv.get("gb.import_error") else ""))
        memory["import_error"] = kv.get("gb.import_error")
        out.append(f"| import succeeded (HTTP 200, TDX-Rows-Inserted = rows) | {status} |")
        if gi and gi["all_ok"]:
            out.append(f"| import time | {gi['median_s']:.1f} s |")
            out.append(f"| import rows/s | {fmt_int(gi['rows_per_s'])} ({gi['mb_per_s']} MB/s) |")
        elif gi:
            out.append(f"| import time | failed after {gi['median_s']:.1f} s |")
        if ge:
            out.append(f"| export time | {ge['median_s']:.1f} s{'' if ge['all_ok'] else ' **FAILED**'} |")
            out.append(f"| export rows/s | {fmt_int(ge['rows_per_s'])} ({ge['mb_per_s']} MB/s) |")
        else:
            out.append("| export | not run: the import failed |")
        for key, label in (("peak_rss_after_import_mb", "peak RSS after import (VmHWM)"),
                           ("peak_rss_after_export_mb", "peak RSS after export (VmHWM)"),
                           ("rss_after_import_mb", "RSS right after the import (VmRSS)"),
                           ("heap_peak_mb", "Java heap peak (GC log, before a collection)"),
                           ("heap_used_at_end_mb", "Java heap used at the end (jcmd GC.heap_info)"),
                           ("db_mb", "data directory size")):
            if memory[key] not in (None, ""):
                out.append(f"| {label} | {memory[key]} MB |")
        if memory["server_died"]:
            out.append("| server | **died** |")
        if memory["out_of_memory_error"]:
            out.append("| server log | **OutOfMemoryError** |")

    text = "\n".join(out)
    print()
    print(text)
    print()

    doc = {
        "benchmark": "import-export",
        "date": kv["date"],
        "commit": kv["commit"],
        "tree_dirty": kv.get("dirty") == "true",
        "command": kv["command"],
        "machine": {
            "cpus": num(kv["machine.cpus"]),
            "cpu": kv["machine.cpu"],
            "mem_gib": num(kv["machine.mem_gib"]),
            "kernel": kv["machine.kernel"],
            "java": kv["machine.java"],
            "load_average_start": kv.get("load_start"),
            "load_average_after_timed": kv.get("load_after_timed"),
        },
        "server": {
            "xmx": kv["xmx"],
            "jar_sha256_16": kv["jar_sha256"],
            "jar_built": kv["jar_built"],
            "workspace": json.loads(kv.get("workspace") or "{}"),
        },
        "data": {"products": int(kv["products"]), "sales_rows": rows, "sales_bytes": int(kv["sales_bytes"])},
        "repetitions": reps,
        "quick": kv["quick"] == "1",
        "postgresql": {"compared": pg_on, "version": kv.get("pg_version") or None,
                       "settings": kv.get("pg_settings") or None,
                       "skipped_because": kv.get("pg_reason") or None,
                       "exports_identical": {"true": True, "false": False}.get(kv.get("exports_identical"))},
        "results": results,
        "timed_peak_rss_mb": num(kv.get("timed.peak_rss_mb")),
        "timed_heap_peak_mb": max(heaps) if heaps else None,
        "memory": memory,
        "failures": int(kv.get("failures", "0")),
        "table_markdown": text,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
