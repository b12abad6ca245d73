#!/usr/bin/env python3
"""Summarises async-profiler's collapsed stacks of a TDX server (bench/profile).

Prints the share of samples by kind of work (the first matching pattern of CATEGORIES), then
the heaviest call paths through the server's own classes (the innermost three io/tdx frames of
each stack), then the heaviest frames by self time. Standard library only.

Usage: profile_report.py COLLAPSED_FILE [TOP]
"""
import collections
import sys

CATEGORIES = [
    ("JIT compilers (C1/C2)", "CompileBroker"),
    ("garbage collector", "G1"),
    ("group commit: merge", "GroupMerger.apply"),
    ("group commit: staging", "GroupStager.stage"),
    ("transaction records", "TxnRecords"),
    ("other work of workspace jobs", "WorkspaceWorker.run"),
    ("Vert.x file system (blocking actions)", "FileSystemImpl$BlockingAction"),
    ("asynchronous files (journal)", "AsyncFileImpl"),
    ("DuckDB's own threads", "duckdb::TaskScheduler"),
    ("HTTP handlers (io.tdx.http)", "io/tdx/http"),
    ("transaction owners (TxnVerticle)", "io/tdx/txn/TxnVerticle"),
    ("job dispatcher", "JobDispatcher"),
    ("Netty I/O", "io/netty/channel/nio/NioEventLoop"),
    ("Netty I/O", "NioIoHandler"),
    ("other Vert.x", "io/vertx"),
]


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    by_category, paths, own = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, count = line.rsplit(" ", 1)
            count = int(count)
            total += count
            frames = stack.split(";")
            by_category[next((name for name, pattern in CATEGORIES if pattern in stack), "other")] += count
            tdx = [fr.split("/")[-1] for fr in frames
                   if fr.startswith("io/tdx/") and "Lambda" not in fr and "lambda$" not in fr]
            if tdx:
                paths[" > ".join(tdx[-3:])] += count
            own[frames[-1]] += count
    if total == 0:
        print("no samples")
        return
    print(f"{total} samples\n\nby kind of work:")
    for name, count in by_category.most_common():
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("\nheaviest paths through the server's classes (innermost three io.tdx frames):")
    for name, count in paths.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("\nheaviest frames by self time:")
    for name, count in own.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {name[:140]}")


if __name__ == "__main__":
    main()
