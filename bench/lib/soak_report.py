#!/usr/bin/env python3
"""Turns the figures of `bench/run --soak` into a markdown table (stdout) and a JSON file.

usage: soak_report.py MEASURE.tsv KV.tsv OUT.json

KV.tsv: key, value (scalars gathered by bench/run and bench/lib/soak.sh); soak.samples is a JSON
list of sample rows: t, transactions, errors, refusals, heap_kb, rss_kb, files, bytes,
server_ticks, client_ticks (strings, empty when unknown), when (before, load or after the load).
MEASURE.tsv is not used.
"""
import json
import sys

SOAK_TARGET_S = 600       # the soak target is judged on a soak of at least 10 minutes
WARM_UP_S = 60            # the heap baseline is the first sample at or after this
HEAP_GROWTH_LIMIT = 0.20  # last heap sample within 20% of the baseline
THROUGHPUT_FLOOR = 0.80   # throughput at the largest count within 20% of the first count's
P99_LIMIT_MS = 1000       # p99 of accepted requests at the largest count
SAMPLE_KEYS = ["t", "transactions", "errors", "refusals", "heap_kb", "rss_kb", "files", "bytes",
               "server_ticks", "client_ticks", "when"]


def load_kv(path):
    kv = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                key, _, value = line.rstrip("\n").partition("\t")
                kv[key] = value
    return kv


def num(value):
    for kind in (int, float):
        try:
            return kind(value)
        except (TypeError, ValueError):
            pass
    return None


def load_json(kv, key):
    try:
        return json.loads(kv[key])
    except (KeyError, ValueError):
        return None


def mb(kb):
    return None if kb is None else round(kb / 1024, 1)


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def samples_of(kv, cpus, clk_tck=100):
    rows = []
    for raw in load_json(kv, "soak.samples") or []:
        row = {k: num(v) if v != "" else None for k, v in zip(SAMPLE_KEYS, raw + [""] * len(SAMPLE_KEYS))}
        row["when"] = raw[10] if len(raw) > 10 else None
        rows.append(row)
    previous = None
    for row in rows:
        row["heap_mb"], row["rss_mb"] = mb(row["heap_kb"]), mb(row["rss_kb"])
        row["data_mb"] = None if row["bytes"] is None else round(row["bytes"] / 1e6, 1)
        row["per_second"] = row["server_cpu_pct"] = row["client_cpu_pct"] = None
        if previous is not None and row["t"] and row["t"] > previous["t"]:
            window = row["t"] - previous["t"]
            if row["transactions"] is not None and previous["transactions"] is not None:
                row["per_second"] = round((row["transactions"] - previous["transactions"]) / window)
            for who in ("server", "client"):
                a, b = previous[f"{who}_ticks"], row[f"{who}_ticks"]
                if a is not None and b is not None:
                    row[f"{who}_cpu_pct"] = round(100 * (b - a) / clk_tck / (window * cpus))
        previous = row
    return rows


def examples(result):
    """One line per error kind with the first example the load client kept (a cause, a problem)."""
    return [f"First `{kind}`: {cell(text)}" for kind, text in (result.get("error_examples") or {}).items()]


def cell(text):
    return " ".join(str(text).replace("|", "\\|").split())[:300]


def soak_section(kv, out, cpus):
    result = load_json(kv, "soak.result") or {}
    samples = samples_of(kv, cpus, num(kv.get("clk_tck")) or 100)
    seconds = num(kv.get("soak"))
    died = kv.get("soak.server_died_at_s")
    out.append("")
    out.append(f"### Soak: {kv.get('soak_clients')} clients of small asynchronous transactions for {seconds} s "
               f"(fresh server, -Xmx{kv['xmx']} -XX:+ExitOnOutOfMemoryError)")
    out.append("")
    out.append("| t s | transactions | per s | errors | 503s | heap after full GC MB | RSS MB | files | data MB "
               "| server CPU % | load client CPU % |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in samples:
        label = {"before": " (before the load)", "after": " (after the load)"}.get(s["when"], "")
        out.append(f"| {s['t']}{label} | {fmt(s['transactions'])} | {fmt(s['per_second'])} | {fmt(s['errors'])} | "
                   f"{fmt(s['refusals'])} | {fmt(s['heap_mb'])} | {fmt(s['rss_mb'])} | {fmt(s['files'])} | "
                   f"{fmt(s['data_mb'])} | {fmt(s['server_cpu_pct'])} | {fmt(s['client_cpu_pct'])} |")
    out.append("")
    errors = result.get("errors_by_kind") or {}
    wall = num(result.get("seconds")) or num(kv.get("soak.wall_s"))
    client_share = (round(100 * result["client_cpu_s"] / (wall * cpus)) if result.get("client_cpu_s") is not None
                    and wall else None)
    server_share = (round(100 * result["server_cpu_s"] / (wall * cpus)) if result.get("server_cpu_s") is not None
                    and wall else None)
    lines = [
        f"Transactions committed: {fmt(result.get('transactions'))} ({fmt(result.get('per_second'))}/s); "
        f"p50/p99 of transactions without a refusal {fmt(result.get('p50_ms'))}/{fmt(result.get('p99_ms'))} ms, "
        f"of accepted requests {fmt(result.get('request_p50_ms'))}/{fmt(result.get('request_p99_ms'))} ms.",
        f"Errors: {fmt(result.get('errors'))}"
        + (" (" + ", ".join(f"{k}: {v:,}" for k, v in errors.items()) + ")" if errors else "")
        + f"; 503 refusals: {fmt(result.get('refusals'))}; transactions given up at the end: {fmt(result.get('abandoned'))}.",
        f"CPU share of the machine ({cpus} CPUs) over the soak: load client {fmt(client_share)}%, "
        f"server {fmt(server_share)}%; peak RSS {fmt(num(kv.get('soak.peak_rss_mb')))} MB; "
        f"client connections {fmt(result.get('connections'))}.",
    ]
    if died:
        lines.append(f"**The server died after {died} s** (exit status {kv.get('soak.server_exit_status')}"
                     + ("; OutOfMemoryError in its log" if kv.get("soak.out_of_memory_error") else "")
                     + ("; a fatal error (SIGSEGV) in its log" if kv.get("soak.fatal_error") else "") + ").")
    lines.extend(examples(result))
    if result.get("failed"):
        lines.append("**The load client did not finish**: the counts are its last progress report.")
    out.extend(lines)
    # Samples under load only: the one before the load is an idle server, the one after it has
    # no transactions in flight, so neither compares with the others.
    loaded = [s for s in samples if s["when"] == "load" and s["heap_kb"]]
    baseline = next((s for s in loaded if s["t"] >= WARM_UP_S), None)
    last = loaded[-1] if loaded else None
    growth = (round(last["heap_kb"] / baseline["heap_kb"] - 1, 3)
              if baseline and last and last is not baseline else None)
    return {"seconds": seconds, "clients": num(kv.get("soak_clients")), "sample_seconds": num(kv.get("sample_seconds")),
            "result": result, "samples": samples, "server_died_at_s": num(died),
            "server_exit_status": num(kv.get("soak.server_exit_status")),
            "out_of_memory_error": bool(kv.get("soak.out_of_memory_error")),
            "fatal_error": bool(kv.get("soak.fatal_error")), "peak_rss_mb": num(kv.get("soak.peak_rss_mb")),
            "client_cpu_pct": client_share, "server_cpu_pct": server_share,
            "heap_baseline_t": baseline and baseline["t"], "heap_baseline_mb": baseline and baseline["heap_mb"],
            "heap_last_t": last and last["t"], "heap_last_mb": last and last["heap_mb"], "heap_growth": growth}


def overload_section(kv, out):
    phases = []
    i = 0
    while f"overload.{i}" in kv:
        phases.append(load_json(kv, f"overload.{i}"))
        i += 1
    phases = [p for p in phases if p]
    if not phases:
        return None
    reference = phases[0]
    out.append("")
    out.append(f"### Overload: {', '.join(str(p['clients']) for p in phases)} clients, {kv.get('overload_seconds')} s "
               f"each after {kv.get('warmup_seconds')} s of warm-up at {reference['clients']} (another fresh server)")
    out.append("")
    out.append("| clients | transactions/s | vs first | p50 / p99 ms, transactions without a refusal "
               "| p50 / p99 ms, accepted requests | 503s | errors | connections | load client CPU % | server CPU % |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p in phases:
        p["vs_first"] = round(p["per_second"] / reference["per_second"], 2) if reference["per_second"] else None
        for who in ("client", "server"):
            cpu = p.get(f"{who}_cpu_s")
            p[f"{who}_cpu_pct"] = round(100 * cpu / (p["seconds"] * p["cpus"])) if cpu is not None and p["seconds"] else None
        errors = ", ".join(f"{k}: {v:,}" for k, v in (p.get("errors_by_kind") or {}).items())
        out.append(f"| {p['clients']:,} | {p['per_second']:,} | {fmt(p['vs_first'], 2)} | {fmt(p['p50_ms'])} / "
                   f"{fmt(p['p99_ms'])} | {fmt(p['request_p50_ms'])} / {fmt(p['request_p99_ms'])} | "
                   f"{p['refusals']:,} | {p['errors']:,}{' (' + errors + ')' if errors else ''} | "
                   f"{p['connections']:,} | {fmt(p['client_cpu_pct'])} | {fmt(p['server_cpu_pct'])} |")
    for p in phases:
        for line in examples(p):
            out.append("")
            out.append(f"{p['clients']:,} clients: {line}")
    if kv.get("overload.server_died"):
        out.append("")
        out.append("**The server died during the overload phase.**")
    return {"phases": phases, "server_died": bool(kv.get("overload.server_died")),
            "peak_rss_mb": num(kv.get("overload.peak_rss_mb"))}


def targets_section(soak, overload, out, quick):
    rows = []
    long_enough = soak["seconds"] >= SOAK_TARGET_S and not quick
    result = soak["result"]
    errors = result.get("errors")
    died = soak["server_died_at_s"] is not None
    rows.append(("10-minute soak with 0 errors (server alive throughout)", f"errors over {soak['seconds']} s",
                 f"{errors if errors is not None else '–'}{', server died' if died else ''}",
                 (errors == 0 and not died) if long_enough else None))
    growth = soak["heap_growth"]
    rows.append((f"heap after GC flat: last sample within {HEAP_GROWTH_LIMIT:.0%} of the first after "
                 f"{WARM_UP_S} s of warm-up",
                 (f"heap at t={soak['heap_last_t']} s / at t={soak['heap_baseline_t']} s - 1"
                  if growth is not None else "last / first sample under load after the warm-up, - 1"),
                 "–" if growth is None else f"{growth:+.0%} ({soak['heap_baseline_mb']} → {soak['heap_last_mb']} MB)",
                 (abs(growth) <= HEAP_GROWTH_LIMIT and not died) if long_enough and growth is not None else
                 (False if long_enough and died else None)))
    if overload:
        first, largest = overload["phases"][0], max(overload["phases"], key=lambda p: p["clients"])
        judged = not quick and largest["clients"] == 1024 and first["clients"] == 64
        ratio = largest.get("vs_first")
        failed = largest["errors"]
        # Accepted work that then fails is not throughput kept: the target needs 0 errors too.
        rows.append((f"at {largest['clients']:,} clients, throughput within 20% of the {first['clients']}-client figure "
                     "(and no errors)",
                     f"transactions/s at {largest['clients']:,} / at {first['clients']}",
                     (f"{ratio:.2f} ({largest['per_second']:,} / {first['per_second']:,})" if ratio is not None else "–")
                     + (f", {failed:,} errors" if failed else ""),
                     ratio >= THROUGHPUT_FLOOR and failed == 0 if judged and ratio is not None else None))
        rows.append((f"at {largest['clients']:,} clients, p99 of accepted requests under 1 s",
                     "p99 ms of accepted requests (of transactions without a refusal)",
                     f"{largest['request_p99_ms']:,.0f} ({largest['p99_ms']:,.0f})",
                     largest["request_p99_ms"] < P99_LIMIT_MS and largest["requests"] > 0 if judged else None))
    out.append("")
    out.append("### Targets")
    out.append("")
    if quick or not long_enough:
        out.append(f"Targets are judged only at their own scale: a soak of at least {SOAK_TARGET_S} s, the overload "
                   "at 64 and 1,024 clients, without `--quick`.")
        out.append("")
    out.append("| target | measured as | value | holds |")
    out.append("|---|---|---:|---|")
    for label, how, value, holds in rows:
        verdict = "n/a" if holds is None else ("yes" if holds else "**no**")
        out.append(f"| {label} | {how} | {value} | {verdict} |")
    return [{"target": label, "measured_as": how, "value": value, "holds": holds} for label, how, value, holds in rows]


def main():
    _, kv_path, out_path = sys.argv[1:4]
    kv = load_kv(kv_path)
    cpus = num(kv["machine.cpus"]) or 1
    quick = kv.get("quick") == "1"
    out = [f"Run {kv['date']}, commit {kv['commit']}{' (tree dirty)' if kv.get('dirty') == 'true' else ''}, "
           f"`{kv['command']}`",
           f"Machine: {kv['machine.cpus']} CPUs ({kv['machine.cpu']}), {kv['machine.mem_gib']} GiB RAM, "
           f"Linux {kv['machine.kernel']}, {kv['machine.java']}; server -Xmx{kv['xmx']} -XX:+ExitOnOutOfMemoryError, "
           f"workspace engine **{kv.get('workspace_engine', 'duckdb')}**, workspace configuration "
           f"{kv.get('workspace', '{}')}; load average at start {kv.get('load_start', '?')}"]
    soak = soak_section(kv, out, cpus)
    overload = overload_section(kv, out)
    targets = targets_section(soak, overload, out, quick)
    text = "\n".join(out)
    print()
    print(text)
    print()
    doc = {
        "benchmark": "soak",
        "date": kv["date"],
        "commit": kv["commit"],
        "tree_dirty": kv.get("dirty") == "true",
        "command": kv["command"],
        "machine": {"cpus": cpus, "cpu": kv["machine.cpu"], "mem_gib": num(kv["machine.mem_gib"]),
                    "kernel": kv["machine.kernel"], "java": kv["machine.java"],
                    "load_average_start": kv.get("load_start")},
        "server": {"xmx": kv["xmx"], "jar_sha256_16": kv["jar_sha256"], "jar_built": kv["jar_built"],
                   "workspace": json.loads(kv.get("workspace") or "{}"),
                   "workspace_engine": kv.get("workspace_engine", "duckdb")},
        "quick": quick,
        "heap_sampling": "jcmd GC.run (a full collection), then GC.heap_info 'used'",
        "soak": soak,
        "overload": overload,
        "targets": targets,
        "failures": int(kv.get("failures", "0")),
        "table_markdown": text,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
