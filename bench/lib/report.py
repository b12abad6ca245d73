#!/usr/bin/env python3
"""Turns the raw figures of bench/run into a markdown table (stdout) and a JSON file.

usage: report.py MEASURE.tsv KV.tsv OUT.json

MEASURE.tsv: system, op, rep, seconds, rows, bytes, status ("ok" or what failed), note
KV.tsv: key, value (scalars gathered by the script)
"""
import json
import re
import statistics
import sys

OPS = [
    ("import", "import into an empty table", "POST /sales", "\\copy FROM"),
    ("upsert", "re-import, every row exists (upsert)", "POST /sales", "\\copy to temp + INSERT ON CONFLICT"),
    ("export", "export ordered by key", "GET /sales", "\\copy (SELECT ... ORDER BY key) TO"),
    ("txn", "transaction import: /products and /sales in one asynchronous transaction, start to 303",
     "POST /txn/start, two parts, commit, poll", None),
    ("import-warm", "import into the emptied table, on the same server once warm", "POST /sales", None),
    ("upsert-warm", "upsert, on the same server once warm", "POST /sales", None),
    ("export-warm", "export ordered by key, on the same server once warm", "GET /sales", None),
]

# issue 17: each operation's share of the workspace engine's own load or export (cold server; warm beside it)
NATIVE_TARGETS = (("import", 0.5), ("upsert", 0.5), ("export", 0.7))

TARGET_CLIENTS = 64


def load_json(kv, key):
    try:
        return json.loads(kv[key])
    except (KeyError, ValueError):
        return None


def limits_section(runs, results, out, engine="duckdb"):
    parse, read = summary(runs, "limit", "parse"), summary(runs, "limit", "read")
    if not parse:
        return None
    imp = results["tdx"]["import"]
    ratio = round(imp["rows_per_s"] / parse["rows_per_s"], 2) if imp and parse["rows_per_s"] else None
    out.append("")
    out.append("### Limit: what parsing alone allows (same file, one pass in a fresh JVM)")
    out.append("")
    out.append("| figure | s | rows/s | MB/s |")
    out.append("|---|---:|---:|---:|")
    for label, figure in (("plain read of the file", read), ("the server's CSV parsing alone (CsvRowReader)", parse),
                          ("import into an empty table (above)", imp)):
        if figure:
            out.append(f"| {label} | {fmt_time(figure)} | {fmt_int(figure['rows_per_s'])} | {figure['mb_per_s']} |")
    if ratio is not None:
        out.append("")
        out.append(f"Import rate / parsing rate: {ratio:.2f}.")
    native = native_section(runs, results, out, engine)
    return {"read": read, "parse": parse, "import_over_parse": ratio, "native": native}


def native_section(runs, results, out, engine="duckdb"):
    """The workspace engine's own load and ordered export of the same file, and the server's rates as shares of them:
    DuckDB's (NativeLoad: read_csv, COPY TO) on the DuckDB workspace; on the PostgreSQL workspace, PostgreSQL's
    \\copy into the very table the server writes and \\copy (SELECT ... ORDER BY key) TO STDOUT (the comparison
    columns above), DuckDB's rows then shown for reference only."""
    load, export = summary(runs, "limit", "duckdb-load"), summary(runs, "limit", "duckdb-export")
    if engine == "postgres":
        pg = results.get("pg") or {}
        natives = (("import", pg.get("import")), ("upsert", pg.get("import")), ("export", pg.get("export")))
    else:
        natives = (("import", load), ("upsert", load), ("export", export))
    shares = {}
    for op, native in natives:
        for measured in (op, op + "-warm"):
            tdx = results["tdx"].get(measured)
            if tdx and native and native["rows_per_s"]:
                shares[measured] = round(tdx["rows_per_s"] / native["rows_per_s"], 3)
    if not shares and (not load or not export):
        return None
    out.append("")
    if load and export:
        duckdb_shares = engine != "postgres"
        out.append("### Limit: DuckDB's own loader (same file, same table, one pass in a fresh JVM after each repetition's server)")
        out.append("")
        out.append("| figure | s | rows/s | MB/s | TDX's share |")
        out.append("|---|---:|---:|---:|---:|")
        out.append(f"| DuckDB: INSERT INTO sales SELECT * FROM read_csv(...) | {fmt_time(load)} | {fmt_int(load['rows_per_s'])} "
                   f"| {load['mb_per_s']} | " + (f"import {share_text(shares, 'import')}, upsert {share_text(shares, 'upsert')}"
                                                  if duckdb_shares else "(another engine)") + " |")
        out.append(f"| DuckDB: COPY (SELECT ... ORDER BY SKU, STORE, WEEK) TO FILE (HEADER) | {fmt_time(export)} "
                   f"| {fmt_int(export['rows_per_s'])} | {export['mb_per_s']} | "
                   + (f"export {share_text(shares, 'export')}" if duckdb_shares else "(another engine)") + " |")
        out.append("")
    paired = paired_shares(runs) if engine != "postgres" else {}
    if paired:
        out.append("Paired by repetition (each fresh server's figure against DuckDB's pass right after it), median (min–max): "
                   + ", ".join(f"{op} {p['median']:.1%} ({p['min']:.1%}–{p['max']:.1%})" for op, p in paired.items()) + ".")
        out.append("")
    if engine == "postgres" and shares:
        out.append("On this PostgreSQL workspace the engine's own load and export are the PostgreSQL columns of the "
                   "timed runs (\\copy into the same table; \\copy (SELECT ... ORDER BY key) TO STDOUT): TDX's share "
                   f"import {share_text(shares, 'import')}, upsert {share_text(shares, 'upsert')} (of the \\copy load), "
                   f"export {share_text(shares, 'export')}.")
        out.append("")
    out.append("Issue 17's targets: import and upsert at least 50 % of the native load, export at least 70 % of the native export "
               "(judged on the fresh server's figures; the warm server's in brackets).")
    return {"engine": engine, "load": load if engine != "postgres" else None, "export": export if engine != "postgres" else None,
            "shares": shares, "paired_shares": paired}


def paired_shares(runs):
    """Each fresh-server operation's share of DuckDB's own figure of the same repetition (run right after that server):
    {op: {median, min, max, shares}} over the repetitions where both were measured."""
    seconds = {(r["system"], r["op"], r["rep"]): r["seconds"] for r in runs if r["ok"]}
    paired = {}
    for op, native in (("import", "duckdb-load"), ("upsert", "duckdb-load"), ("export", "duckdb-export")):
        shares = [seconds[("limit", native, rep)] / secs for (system, o, rep), secs in seconds.items()
                  if system == "tdx" and o == op and secs > 0 and ("limit", native, rep) in seconds]
        if shares:
            paired[op] = {"median": round(statistics.median(shares), 3), "min": round(min(shares), 3),
                          "max": round(max(shares), 3), "shares": [round(x, 3) for x in shares]}
    return paired


def share_text(shares, op):
    """An operation's share of the engine's own figure, the warm server's in brackets when measured."""
    text = f"{shares.get(op, 0):.1%}"
    return text + (f" (warm {shares[op + '-warm']:.1%})" if op + "-warm" in shares else "")


def native_targets(limit):
    """Issue 17's rows of the Targets table: each share of the engine's own figure, judged on the fresh server's."""
    shares = ((limit or {}).get("native") or {}).get("shares") or {}
    rows = []
    for op, target in NATIVE_TARGETS:
        if op in shares:
            warm = shares.get(op + "-warm")
            rows.append((f"{op} at least {target}x the workspace engine's own {'export' if op == 'export' else 'load'}",
                         "TDX rows/s / engine rows/s (warm server)",
                         f"{shares[op]:.2f}" + (f" ({warm:.2f})" if warm is not None else ""), shares[op] >= target))
    return rows


def engine_limits(kv):
    """{engine: {threads: figure}} from EngineLimit's lines, threads ascending."""
    limits = {}
    for key in kv:
        if key.startswith("engine_limit."):
            figure = load_json(kv, key)
            if figure:
                limits.setdefault(figure["engine"], {})[figure["threads"]] = figure
    return {engine: dict(sorted(by_threads.items())) for engine, by_threads in limits.items()}


def load_section(kv, out):
    runs = [r for r in (load_json(kv, "load.async"), load_json(kv, "load.sync")) if r]
    limits = engine_limits(kv)
    if not runs and not limits:
        return None, limits
    engine = kv.get("workspace_engine", "duckdb")
    own = limits.get(engine, {})
    for r in runs:
        if not r.get("failed"):
            r["share_of_engine_limit"] = {str(t): round(r["per_second"] / f["per_second"], 3)
                                          for t, f in own.items() if f["per_second"] > 0}
            # what a transaction cost the server (process CPU over the phase / transactions), and the share of
            # the machine's cores the load client took (it runs on the same cores)
            r["server_cpu_ms_per_txn"] = (round(1000 * r["server_cpu_s"] / r["transactions"], 2)
                                          if r.get("server_cpu_s") is not None and r.get("transactions") else None)
            r["client_core_share"] = (round(r["client_cpu_s"] / (r["seconds"] * r["cpus"]), 3)
                                      if r.get("client_cpu_s") is not None and r.get("seconds") else None)
    out.append("")
    out.append(f"### Protocol load: {kv.get('clients')} concurrent clients, {kv.get('load_seconds')} s each after "
               f"{kv.get('warmup_seconds', '0')} s of warm-up "
               "(start, two one-row parts, commit, poll to done; non-blocking Vert.x web client), "
               f"workspace {engine}; beside it the engines' own limit for the same SQL work "
               "(JDBC, no HTTP: a product row and a sales row, commit; one connection a thread)")
    out.append("")
    share_heads = "".join(f" share of {engine} limit, {t} thread{'s' if t > 1 else ''} |" for t in own)
    out.append(f"| protocol | transactions/s |{share_heads} p50 ms | p99 ms | max ms | errors | client connections "
               "| server CPU ms a transaction | load client's share of the cores |")
    out.append("|---|---:|" + "---:|" * len(own) + "---:|---:|---:|---:|---:|---:|---:|")
    blank = " |" * len(own)
    for r in runs:
        if r.get("failed"):
            out.append(f"| {r['protocol']} | **FAILED** |{blank} | | | | | | |")
            continue
        shares = "".join(f" {r['share_of_engine_limit'].get(str(t), 0):.1%} |" for t in own)
        cpu = "–" if r.get("server_cpu_ms_per_txn") is None else f"{r['server_cpu_ms_per_txn']:.2f}"
        client = "–" if r.get("client_core_share") is None else f"{r['client_core_share']:.0%}"
        out.append(f"| {r['protocol']} | {r['per_second']:,.0f} |{shares} {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
                   f"{r['max_ms']:.1f} | {r['errors']} | {r['connections']} | {cpu} | {client} |")
    for name, by_threads in limits.items():
        for t, f in by_threads.items():
            conflicts = f", {f['conflicts']} conflicts retried" if f.get("conflicts") else ""
            out.append(f"| limit: {name}, {t} thread{'s' if t > 1 else ''}{conflicts} | {f['per_second']:,.0f} |{blank} "
                       f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {f['max_ms']:.1f} | | | | |")
    if runs and not own:
        out.append("")
        out.append(f"No engine limit for the workspace engine ({engine}), so no shares.")
    return ({r["protocol"]: r for r in runs} or None), limits


CLUSTER_KEY = re.compile(r"cluster\.(\d+)\.(haproxy|direct)\.(async|sync)$")


def cluster_section(kv, load_figures, out):
    """The clustered protocol load (bench/run --nodes): N nodes behind HAProxy, beside the 1-node cluster without
    HAProxy and the plain server of the protocol load above, both protocols."""
    runs = [load_json(kv, key) for key in kv if CLUSTER_KEY.match(key)]
    runs = [r for r in runs if r]
    if not runs:
        return None
    for r in runs:
        load = r.get("load") or {}
        txns = load.get("transactions")
        r["server_cpu_ms_per_txn"] = (round(1000 * load["server_cpu_s"] / txns, 2)
                                      if load.get("server_cpu_s") is not None and txns else None)
        r["proxy_cpu_ms_per_txn"] = (round(1000 * load["proxy_cpu_s"] / txns, 2)
                                     if load.get("proxy_cpu_s") is not None and txns else None)
        r["client_core_share"] = (round(load["client_cpu_s"] / (load["seconds"] * load["cpus"]), 3)
                                  if load.get("client_cpu_s") is not None and load.get("seconds") else None)
        servers = (r.get("haproxy") or {}).get("servers") or []
        total = sum(s.get("stot") or 0 for s in servers)
        r["requests_by_node"] = [s.get("stot") for s in servers]
        r["request_share_by_node"] = [round((s.get("stot") or 0) / total, 3) for s in servers] if total else None
        r["haproxy_retries"] = sum(s.get("wretr") or 0 for s in servers)
        r["haproxy_redispatches"] = sum(s.get("wredis") or 0 for s in servers)
        r["haproxy_node_down"] = sum(s.get("chkdown") or 0 for s in servers)
        r["haproxy_5xx"] = sum(s.get("hrsp_5xx") or 0 for s in servers)
    base = {r["protocol"]: r for r in runs if r["nodes"] == 1 and r["via"] == "haproxy" and r.get("load")}
    for r in runs:
        b = base.get(r["protocol"])
        r["per_second_vs_1_node_haproxy"] = (round(r["load"]["per_second"] / b["load"]["per_second"], 2)
                                             if r.get("load") and b and b["load"]["per_second"] else None)
    runs.sort(key=lambda r: (r["protocol"] != "async", r["nodes"], r["via"] != "direct"))
    reference = {p: f for p, f in (load_figures or {}).items() if f and not f.get("failed")}

    out.append("")
    out.append(f"### Clustered protocol load: N nodes (`serve --cluster`, one PostgreSQL schema) behind HAProxy "
               f"(round robin by request), {kv.get('clients')} clients, {kv.get('load_seconds')} s each after "
               f"{kv.get('warmup_seconds', '0')} s of warm-up, a fresh cluster and schema for each row")
    out.append("")
    out.append("| nodes | via | protocol | transactions/s | vs 1 node via HAProxy | p50 ms | p99 ms | max ms | failures "
               "| 503s | server CPU ms a transaction (all nodes) | HAProxy CPU ms a transaction | load client's share of "
               "the cores | requests by node | HAProxy retries / redispatches / node DOWN |")
    out.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for protocol in ("async", "sync"):
        ref = reference.get(protocol)
        if ref:
            b = base.get(protocol)
            vs = (f"{ref['per_second'] / b['load']['per_second']:.2f}" if b and b["load"]["per_second"] else "–")
            cpu = "–" if ref.get("server_cpu_ms_per_txn") is None else f"{ref['server_cpu_ms_per_txn']:.2f}"
            client = "–" if ref.get("client_core_share") is None else f"{ref['client_core_share']:.0%}"
            out.append(f"| 1, not clustered | direct (the protocol load above) | {protocol} | {ref['per_second']:,.0f} | {vs} | "
                       f"{ref['p50_ms']:.1f} | {ref['p99_ms']:.1f} | {ref['max_ms']:.1f} | {ref['errors']} | "
                       f"{ref.get('refusals', 0)} | {cpu} | – | {client} | | |")
        for r in (r for r in runs if r["protocol"] == protocol):
            via = "HAProxy" if r["via"] == "haproxy" else "direct"
            load = r.get("load")
            if not load:
                out.append(f"| {r['nodes']} | {via} | {protocol} | **FAILED** | | | | | {cell(r.get('failed') or '')} "
                           "| | | | | | |")
                continue
            vs = "–" if r["per_second_vs_1_node_haproxy"] is None else f"{r['per_second_vs_1_node_haproxy']:.2f}"
            failures = str(load.get("errors", 0)) + ("" if not r.get("failed") else " **(check failed)**")
            cpu = "–" if r["server_cpu_ms_per_txn"] is None else f"{r['server_cpu_ms_per_txn']:.2f}"
            proxy = "–" if r["proxy_cpu_ms_per_txn"] is None else f"{r['proxy_cpu_ms_per_txn']:.2f}"
            client = "–" if r["client_core_share"] is None else f"{r['client_core_share']:.0%}"
            share = (" / ".join(f"{s:.0%}" for s in r["request_share_by_node"]) if r["request_share_by_node"] else "–")
            proxy_events = ("–" if r["via"] != "haproxy"
                            else f"{r['haproxy_retries']} / {r['haproxy_redispatches']} / {r['haproxy_node_down']}")
            out.append(f"| {r['nodes']} | {via} | {protocol} | {load['per_second']:,.0f} | {vs} | {load['p50_ms']:.1f} | "
                       f"{load['p99_ms']:.1f} | {load['max_ms']:.1f} | {failures} | {load.get('refusals', 0)} | {cpu} | "
                       f"{proxy} | {client} | {share} | {proxy_events} |")
    out.append("")
    out.append("Failures: transactions that did not commit (errors of the load client, by kind in the JSON). Requests "
               "by node: HAProxy's sessions by node over its whole life (warm-up, measured phase, health checks not "
               "counted). Server CPU: all nodes' processes together over the measured phase; PostgreSQL's own "
               "processes are not in it.")
    logs = [(r, n) for r in runs for n in (r.get("node_logs") or {}).get("nodes", [])]
    warn, err, exc = (sum(n.get(k, 0) for _, n in logs) for k in ("warn", "error", "exception"))
    failed = [r for r in runs if r.get("failed")]
    out.append("")
    out.append(f"Node logs over these runs (start, load and stop): {warn} warning(s), {err} error(s), {exc} exception "
               f"line(s) (the first lines of each run are in the JSON, `cluster.runs[].node_logs`). "
               + (f"**{len(failed)} run(s) failed a check**: " + "; ".join(
                   f"{r['nodes']} node(s) via {r['via']}, {r['protocol']}: {cell(r['failed'])}" for r in failed)
                  if failed else "Every run passed its checks (cluster formed, no failed transaction, every node alive, "
                                 "no node taken out by HAProxy)."))
    return {"nodes": [int(n) for n in kv.get("cluster.list", "").split(",") if n],
            "haproxy_version": kv.get("cluster.haproxy_version"),
            "haproxy_config": load_json(kv, "cluster.haproxy_config"),
            "load_average_start": kv.get("cluster.load_start"),
            "reference_not_clustered": reference or None,
            "runs": runs}


def open_section(kv, out):
    result = load_json(kv, "open.result")
    if result is None:
        return None
    before, after = num(kv.get("open.heap_before_kb")), num(kv.get("open.heap_after_kb"))
    figure = {"opened": result.get("opened"), "errors": result.get("errors"), "heap_before_mb": None,
              "heap_after_mb": None, "heap_growth_mb": None, "bytes_per_transaction": None,
              "peak_rss_mb": num(kv.get("open.peak_rss_mb"))}
    if isinstance(before, int) and isinstance(after, int):
        figure.update(heap_before_mb=round(before / 1024, 1), heap_after_mb=round(after / 1024, 1),
                      heap_growth_mb=round((after - before) / 1024, 1),
                      bytes_per_transaction=round((after - before) * 1024 / max(1, result.get("opened", 1))))
    out.append("")
    out.append(f"### Open transactions: {figure['opened']:,} asynchronous transactions started and left open "
               f"(heap in use after a full GC, jcmd)")
    out.append("")
    out.append("| figure | value |")
    out.append("|---|---:|")
    out.append(f"| heap in use before | {figure['heap_before_mb']} MB |")
    out.append(f"| heap in use with them open | {figure['heap_after_mb']} MB |")
    out.append(f"| growth | {figure['heap_growth_mb']} MB ({fmt_int(figure['bytes_per_transaction'])} bytes a transaction) |")
    out.append(f"| errors | {figure['errors']} |")
    return figure


def protocol_targets(load, limits, engine):
    """Issue 13's targets for the small-transaction path, judged at TARGET_CLIENTS clients only."""
    rows = []
    a, s = (load or {}).get("async"), (load or {}).get("sync")
    if not a or a.get("failed"):
        return rows
    at_scale = a["clients"] == TARGET_CLIENTS
    own = (limits or {}).get(engine, {})
    if engine == "postgres":
        holds = a["per_second"] >= 2000 and a["p99_ms"] < 100
        rows.append((f"asynchronous protocol: at least 2,000 transactions/s, p99 under 100 ms at {TARGET_CLIENTS} clients",
                     f"transactions/s, p99 ms at {a['clients']} clients", f"{a['per_second']:,.0f}, {a['p99_ms']:.0f}",
                     holds if at_scale else None))
        best = own.get(max(own)) if own else None  # PostgreSQL's limit with the most threads (16): concurrent writers
        ratio = round(a["per_second"] / best["per_second"], 2) if best and best["per_second"] > 0 else None
        rows.append(("asynchronous protocol at least 0.5x PostgreSQL's own JDBC limit (16 threads)",
                     "transactions/s / limit", ratio, None if ratio is None or not at_scale else ratio >= 0.5))
    else:
        best = max(own.values(), key=lambda f: f["per_second"]) if own else None  # DuckDB's best thread count
        ratio = round(a["per_second"] / best["per_second"], 2) if best and best["per_second"] > 0 else None
        rows.append((f"asynchronous protocol at least 2x DuckDB's own JDBC limit (its best thread count), "
                     f"p99 under 250 ms at {TARGET_CLIENTS} clients", "transactions/s / limit, p99 ms",
                     None if ratio is None else f"{ratio:.2f}, {a['p99_ms']:.0f}",
                     None if ratio is None or not at_scale else ratio >= 2 and a["p99_ms"] < 250))
    if s and not s.get("failed"):
        rows.append(("synchronous protocol at least as fast as asynchronous", "sync / async transactions/s",
                     round(s["per_second"] / a["per_second"], 2) if a["per_second"] else None,
                     s["per_second"] >= a["per_second"] if at_scale else None))
    return rows


def targets_section(results, limit, load, out, quick, engine, limits=None):
    def faster(op):
        t, p = results["tdx"].get(op), results["pg"].get(op)
        return round(p["median_s"] / t["median_s"], 2) if t and p and t["median_s"] > 0 else None
    rows = []
    imp = faster("import")
    if engine == "postgres":
        # issue 12: the PostgreSQL workspace against PostgreSQL's own bulk paths into the same table
        rows.append(("import at least 0.8x the speed of PostgreSQL's \\copy", "PG time / TDX time",
                     imp, None if imp is None else imp >= 0.8))
        ups = faster("upsert")
        rows.append(("upsert at least as fast as PostgreSQL's \\copy to a temporary table + ON CONFLICT",
                     "PG time / TDX time", ups, None if ups is None else ups >= 1.0))
    else:
        rows.append(("import at least 1.5x as fast as PostgreSQL \\copy", "PG time / TDX time",
                     imp, None if imp is None else imp >= 1.5))
        ratio = limit and limit["import_over_parse"]
        rows.append(("import at least half the rate of parsing alone", "import rows/s / parse rows/s",
                     ratio, None if ratio is None else ratio >= 0.5))
    exp = faster("export")
    rows.append(("export at least as fast as PostgreSQL \\copy TO STDOUT", "PG time / TDX time",
                 exp, None if exp is None else exp >= 1.0))
    rows += native_targets(limit)
    rows += protocol_targets(load, limits, engine)
    out.append("")
    out.append("### Targets")
    out.append("")
    if quick:
        out.append("`--quick` figures come from a smoke test, too small to judge the targets by.")
        out.append("")
    out.append("| target | measured as | value | holds |")
    out.append("|---|---|---:|---|")
    if quick:
        rows = [(label, how, value, None) for label, how, value, _ in rows]
    for label, how, value, holds in rows:
        text = "–" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))
        verdict = "n/a" if holds is None else ("yes" if holds else "**no**")
        out.append(f"| {label} | {how} | {text} | {verdict} |")
    return [{"target": label, "measured_as": how, "value": value, "holds": holds} for label, how, value, holds in rows]


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
        results["pg"][op] = summary(runs, "pg", op) if pg_on and op != "txn" else None
        t, p = results["tdx"][op], results["pg"][op]
        results["ratio_tdx_over_pg"][op] = (round(t["median_s"] / p["median_s"], 2)
                                            if t and p and p["median_s"] > 0 else None)

    out = []
    out.append(f"Run {kv['date']}, commit {kv['commit']}{' (tree dirty)' if kv.get('dirty') == 'true' else ''}, "
               f"`{kv['command']}`")
    out.append(f"Machine: {kv['machine.cpus']} CPUs ({kv['machine.cpu']}), {kv['machine.mem_gib']} GiB RAM, "
               f"Linux {kv['machine.kernel']}, {kv['machine.java']}; server -Xmx{kv['xmx']}, "
               f"workspace engine **{kv.get('workspace_engine', 'duckdb')}**, workspace configuration "
               f"{kv.get('workspace', '{}')}; load average at start {kv.get('load_start', '?')}")
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
    limit = limits_section(runs, results, out, kv.get("workspace_engine", "duckdb"))
    load_figures, limit_figures = load_section(kv, out)
    cluster = cluster_section(kv, load_figures, out)
    open_txns = open_section(kv, out)

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
            "tmp_peak_import_mb": num(kv.get("gb.tmp_peak_import_mb")),
            "tmp_peak_export_mb": num(kv.get("gb.tmp_peak_export_mb")),
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
        # on the DuckDB workspace, the engine's own load and ordered export of the same file (issue 17 at scale)
        for op, tdx, label in (("load", gi, "DuckDB's own load of the same file (read_csv; fresh JVM)"),
                               ("export", ge, "DuckDB's own ordered export (COPY ... TO)")):
            native = summary(runs, "gb", "duckdb-" + op)
            memory["native_" + op] = native
            if native and native["all_ok"] and native["median_s"] > 0:
                share = (f", TDX's {'import' if op == 'load' else 'export'} {tdx['rows_per_s'] / native['rows_per_s']:.0%} of it"
                         if tdx and tdx["all_ok"] and tdx["rows_per_s"] else "")
                out.append(f"| {label} | {native['median_s']:.1f} s{share} |")
        for key, label in (("peak_rss_after_import_mb", "peak RSS after import (VmHWM)"),
                           ("peak_rss_after_export_mb", "peak RSS after export (VmHWM)"),
                           ("rss_after_import_mb", "RSS right after the import (VmRSS)"),
                           ("heap_peak_mb", "Java heap peak (GC log, before a collection)"),
                           ("heap_used_at_end_mb", "Java heap used at the end (jcmd GC.heap_info)"),
                           ("db_mb", "data directory size" if kv.get("workspace_engine", "duckdb") == "duckdb"
                            else "the workspace schema's tables (pg_total_relation_size)"),
                           ("tmp_peak_import_mb", "temporary disk peak during the import (the data directory's tmp: "
                            "segments, spill, error files; du every 0.5 s)"),
                           ("tmp_peak_export_mb", "temporary disk peak during the export")):
            if memory[key] not in (None, ""):
                out.append(f"| {label} | {memory[key]} MB |")
        if memory["server_died"]:
            out.append("| server | **died** |")
        if memory["out_of_memory_error"]:
            out.append("| server log | **OutOfMemoryError** |")

    targets = targets_section(results, limit, load_figures, out, kv.get('quick') == '1',
                              kv.get("workspace_engine", "duckdb"), limit_figures)

    text = "\n".join(out)
    print()
    print(text)
    print()

    doc = {
        "benchmark": "run",
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
            "workspace_engine": kv.get("workspace_engine", "duckdb"),
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
        "limit": limit,
        "load": load_figures,
        "engine_limit": limit_figures or None,
        "cluster": cluster,
        "open_transactions": open_txns,
        "targets": targets,
        "failures": int(kv.get("failures", "0")),
        "table_markdown": text,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
