# bench/run --soak: sourced by bench/run, which defines log, kv, start_server, stop_server,
# heap_used_kb, vm_kb, load_classpath and the variables used here. See bench/README.md.
#
# soak_run: SOAK_CLIENTS clients of small asynchronous transactions for SOAK seconds on a fresh
# server; every SAMPLE_SECONDS the heap in use after a full collection (jcmd GC.run, then
# GC.heap_info), the server's VmRSS, the files and bytes under its data directory, both
# processes' CPU ticks and the load client's counts so far, one row of $TMP/soak-samples.tsv.
# overload_run: on another fresh server, a warm-up, then OVERLOAD_SECONDS at each count of
# OVERLOAD_CLIENTS (the first is the reference the others are compared with).

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
SOAK_SAMPLES=$TMP/soak-samples.tsv # t transactions errors refusals heap_kb rss_kb files bytes server_ticks client_ticks when

proc_ticks() { # pid -> utime + stime in clock ticks (empty once the process is gone, or without a pid)
  [[ -n $1 ]] || return 0
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || true
}

raise_fd_limit() { # open files one process needs
  local need=$1 soft hard
  soft=$(ulimit -n); hard=$(ulimit -Hn)
  [[ $soft == unlimited || $soft -ge $need ]] && return 0
  if [[ $hard == unlimited || $hard -ge $need ]]; then ulimit -n "$need"; else ulimit -n "$hard"; fi
  log "raised the open-file limit from $soft to $(ulimit -n) (each process needs about $need)"
  [[ $(ulimit -n) -ge $need ]] || log "WARNING: the open-file limit $(ulimit -n) is below the $need the largest client count needs"
}

soak_sample() { # seconds-since-start load-client-pid before|load|after
  local t=$1 client=$2 when=$3 progress=$TMP/soak-progress.json counts heap rss files
  counts=$(python3 -c 'import json, sys
try:
    p = json.load(open(sys.argv[1]))
    print(p["transactions"], p["errors"], p["refusals"])
except (OSError, ValueError, KeyError):
    print(0, 0, 0)' "$progress")
  heap=$(heap_used_kb "$SERVER_PID")
  rss=$(vm_kb "$SERVER_PID" VmRSS)
  files=$(find "$SERVER_DIR/data" -type f -printf '%s\n' 2>/dev/null | awk '{ n++; b += $1 } END { print n + 0, b + 0 }' || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$(echo "$counts" | tr ' ' '\t')" "${heap:-}" "${rss:-}" \
    "$(echo "${files:-0 0}" | tr ' ' '\t')" "$(proc_ticks "$SERVER_PID")" "$(proc_ticks "$client")" "$when" >>"$SOAK_SAMPLES"
  log "  soak t=${t}s: $(echo "$counts" | awk '{ print $1 " transactions, " $2 " errors, " $3 " refusals" }'), heap after full GC ${heap:-?} kB, RSS ${rss:-?} kB, files/bytes ${files:-?}"
}

soak_run() {
  local t0 t next i client rc line server_rc died=0
  start_server soak
  : >"$SOAK_SAMPLES"
  rm -f "$TMP/soak-progress.json"
  soak_sample 0 "" before
  log "soak: $SOAK_CLIENTS clients of small asynchronous transactions for $SOAK s, a sample every $SAMPLE_SECONDS s"
  t0=$(now)
  # No `timeout` wrapper: $! must be the client's JVM, for its CPU ticks. Its own phase ends at
  # SOAK seconds and every request has an idle timeout; a dead server stops it below.
  java -Dserver.pid="$SERVER_PID" -Dclk.tck="$CLK_TCK" -cp "$CP" "$BENCH/lib/TxnLoad.java" \
    "$SERVER_PORT" soak "$SOAK_CLIENTS" "$SOAK" "$TMP/soak-progress.json" >"$TMP/soak.out" 2>"$TMP/soak.err" &
  client=$!
  i=1
  while kill -0 "$client" 2>/dev/null; do
    next=$(awk -v a="$t0" -v i="$i" -v s="$SAMPLE_SECONDS" 'BEGIN { printf "%.3f", a + i * s }')
    while kill -0 "$client" 2>/dev/null && kill -0 "$SERVER_PID" 2>/dev/null \
      && awk -v n="$next" -v now="$(now)" 'BEGIN { exit !(now < n) }'; do
      sleep 1
    done
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      t=$(elapsed "$t0" "$(now)")
      server_rc=0; wait "$SERVER_PID" 2>/dev/null || server_rc=$?
      log "the server DIED during the soak after ${t} s (exit status $server_rc); stopping the load client. Last lines of its log:"
      tail -n 15 "$SERVER_DIR/server.log" >&2 || true
      kv soak.server_died_at_s "$t"
      kv soak.server_exit_status "$server_rc"
      died=1
      FAILURES=$((FAILURES + 1))
      kill -TERM "$client" 2>/dev/null || true
      break
    fi
    kill -0 "$client" 2>/dev/null || break
    soak_sample "$(elapsed "$t0" "$(now)" | cut -d. -f1)" "$client" load
    i=$((i + 1))
  done
  rc=0; wait "$client" || rc=$?
  t=$(elapsed "$t0" "$(now)")
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    soak_sample "$(printf '%.0f' "$t")" "" after
  fi
  line=$(tail -n 1 "$TMP/soak.out")
  if [[ $line != \{* ]]; then
    line=$(python3 -c 'import json, sys
try:
    p = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    p = {}
p.update(failed=True, exit_status=int(sys.argv[2]))
print(json.dumps(p))' "$TMP/soak-progress.json" "$rc")
    if [[ $died == 0 ]]; then
      FAILURES=$((FAILURES + 1))
      log "CHECK FAILED: soak load client (exit status $rc): $(head -c 300 "$TMP/soak.err")"
    fi
  fi
  kv soak.result "$line"
  kv soak.wall_s "$t"
  if [[ $died == 0 ]]; then kv soak.peak_rss_mb "$(( $(vm_kb "$SERVER_PID" VmHWM) / 1024 ))"; fi
  if grep -q 'OutOfMemoryError' "$SERVER_DIR/server.log"; then kv soak.out_of_memory_error true; fi
  if grep -qE 'SIGSEGV|fatal error has been detected' "$SERVER_DIR/server.log"; then kv soak.fatal_error true; fi
  log "  $line"
  stop_server "$SERVER_PID"
}

overload_run() {
  local line n=0 expected
  expected=$(echo "$OVERLOAD_CLIENTS" | tr ',' '\n' | grep -c .)
  start_server overload
  log "overload: ${OVERLOAD_CLIENTS//,/, } clients, $OVERLOAD_SECONDS s each, after $WARMUP_SECONDS s of warm-up at the first count"
  timeout --signal=TERM $(( (OVERLOAD_SECONDS + 600) * (expected + 1) + WARMUP_SECONDS )) \
    java -Dserver.pid="$SERVER_PID" -Dclk.tck="$CLK_TCK" -cp "$CP" "$BENCH/lib/TxnLoad.java" \
    "$SERVER_PORT" overload "$OVERLOAD_SECONDS" "$WARMUP_SECONDS" "$OVERLOAD_CLIENTS" >"$TMP/overload.out" 2>"$TMP/overload.err" || true
  while IFS= read -r line; do
    [[ $line == \{* ]] || continue
    kv "overload.$n" "$line"
    log "  $line"
    n=$((n + 1))
  done <"$TMP/overload.out"
  if [[ $n != "$expected" ]]; then
    FAILURES=$((FAILURES + 1))
    log "CHECK FAILED: overload: $n of $expected phases reported: $(head -c 300 "$TMP/overload.err")"
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    kv overload.server_died true
    FAILURES=$((FAILURES + 1))
    log "the server DIED during the overload phase; last lines of its log:"
    tail -n 15 "$SERVER_DIR/server.log" >&2 || true
  else
    kv overload.peak_rss_mb "$(( $(vm_kb "$SERVER_PID" VmHWM) / 1024 ))"
  fi
  stop_server "$SERVER_PID"
}
