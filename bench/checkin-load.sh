#!/usr/bin/env bash
# Check-in ingestion over HTTP against PostgreSQL (wrk), side by side with pgbench inserting the same rows one per
# transaction into the same server. The figures go in docs/benchmarks.md.
#
#   bench/checkin-load.sh                      a throwaway PostgreSQL of its own (scripts/pg-throwaway)
#   GRASSROOTS_BENCH_PG="Host=…;Port=…;Username=postgres" bench/checkin-load.sh    an existing server
#
# Settings (environment): CONNECTIONS ("32": wrk connections = pgbench clients; a list such as "32 64 128" measures
# each in turn), ROUNDS (3 alternating pairs of runs per concurrency, reported one by one and as medians), DURATION (30 s each run), WARMUP (45 s of
# load on the application before its measured run),
# ACCOUNTS (200 cadres, each with its own bearer token), GROUP_COMMIT (true; false: one transaction per check-in),
# PORT (5090), TRACE (a file name: a sampled thread-time trace of the application during the wrk run, with dotnet-trace, and its Speedscope conversion).
#
# Steps: build (Release); a fresh database gr_bench_checkin with the demo data set (616 stationed cadres); the app
# started as operators run it (dotnet Grassroots.Web.dll, Production); N cadre accounts and their tokens; pgbench
# with C clients inserting rows shaped like "CheckIns" (same columns, same unique index) one per transaction; wrk
# with C connections posting new check-ins (unique client keys) for the same time. Then both rates and latencies.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-45}
ACCOUNTS=${ACCOUNTS:-200}
GROUP_COMMIT=${GROUP_COMMIT:-true}
PORT=${PORT:-5090}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/grassroots-checkin-bench.XXXXXX")
app_pid=""
pg_dir=""

say() { printf '\n==> %s\n' "$*"; }
cleanup() {
  local status=$?
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  [ -n "$pg_dir" ] && { "$root/scripts/pg-throwaway" stop "$pg_dir" || true; rm -rf "$pg_dir"; }
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  say "Installing wrk"
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq wrk >/dev/null
fi
command -v pgbench >/dev/null || { echo "pgbench missing: install the postgresql-client package" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing" >&2; exit 1; }

# --- PostgreSQL --------------------------------------------------------------------------------
if [ -z "${GRASSROOTS_BENCH_PG:-}" ]; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/grassroots-bench-pg.XXXXXX")
  say "Starting a throwaway PostgreSQL"
  GRASSROOTS_BENCH_PG=$("$root/scripts/pg-throwaway" start "$pg_dir")
fi
pg_host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$GRASSROOTS_BENCH_PG")
pg_port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$GRASSROOTS_BENCH_PG")
pg_user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$GRASSROOTS_BENCH_PG")
export PGHOST=$pg_host PGPORT=${pg_port:-5432} PGUSER=${pg_user:-postgres}
db=gr_bench_checkin
conn="$GRASSROOTS_BENCH_PG;Database=$db;Maximum Pool Size=100"
echo "PostgreSQL $(psql -d postgres -Atc 'show server_version') at $PGHOST:$PGPORT, fsync=$(psql -d postgres -Atc 'show fsync'), synchronous_commit=$(psql -d postgres -Atc 'show synchronous_commit'), commit_delay=$(psql -d postgres -Atc 'show commit_delay')"

# --- build and start the application -----------------------------------------------------------
say "Building (Release)"
dotnet build -c Release bench/Grassroots.Benchmarks -v q -nologo >/dev/null
psql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -qc "CREATE DATABASE $db"

say "Starting the application on port $PORT (demo data set, group commit $GROUP_COMMIT)"
ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__Postgres="$conn" Grassroots__Demo=true \
  Grassroots__Manage__GroupCommit="$GROUP_COMMIT" Logging__LogLevel__Default=Warning \
  dotnet src/Grassroots.Web/bin/Release/net10.0/Grassroots.Web.dll --urls "http://127.0.0.1:$PORT" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "the application did not start" >&2; cat "$work/app.log"; exit 1; }

say "Creating $ACCOUNTS cadre accounts and signing them in"
dotnet bench/Grassroots.Benchmarks/bin/Release/net10.0/Grassroots.Benchmarks.dll checkin-setup --postgres "$conn" --accounts "$ACCOUNTS" --out "$work/cadres.txt"
: >"$work/tokens.txt"
while read -r user lat lon; do
  token=$(curl -sf -H 'Content-Type: application/json' -d "{\"userName\":\"$user\",\"password\":\"Grassroots-demo-2026\"}" \
    "http://127.0.0.1:$PORT/api/auth/token" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "could not sign in $user" >&2; exit 1; }
  echo "$token $lat $lon" >>"$work/tokens.txt"
done <"$work/cadres.txt"

# --- pgbench: the same rows, one per transaction -------------------------------------------------
psql -d "$db" -qc 'DROP TABLE IF EXISTS bench_checkins' -qc 'CREATE TABLE bench_checkins (LIKE "CheckIns" INCLUDING ALL)'
cat >"$work/insert.sql" <<'SQL'
INSERT INTO bench_checkins ("Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date", "ReceivedAtUtc", "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath")
VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), md5(random()::text), md5(random()::text), now(), current_date, now(), 30.29 + random() / 100, 81.17 + random() / 100, 20, 150, true, false, NULL, 0, '/540000/542500/542521/542521100/542521100201/');
SQL

# The server's steady state: a fresh process runs its hot paths unoptimised until tiered compilation has recompiled
# them (about half a minute of load on two busy cores), so it first takes WARMUP seconds of load, not counted.
first=${CONNECTIONS%% *}
say "Warming up the application: ${WARMUP}s of load at $first connections, not counted"
CHECKIN_TOKENS="$work/tokens.txt" wrk -t2 -c"$first" -d"${WARMUP}s" -s bench/checkin.lua "http://127.0.0.1:$PORT" | grep -E '^(summary|statuses):' || true

# pgbench with C clients for DURATION seconds: sets pg_tps and pg_p99.
run_pgbench() {
  local c=$1
  say "pgbench: $c clients, ${DURATION}s, one INSERT per transaction into bench_checkins (LIKE \"CheckIns\" INCLUDING ALL)"
  psql -d "$db" -qc 'CHECKPOINT'
  rm -f "$work"/pgb.*
  (cd "$work" && pgbench -n -d "$db" -f insert.sql -c "$c" -j 2 -T "$DURATION" -l --log-prefix=pgb >"$work/pgbench.txt" 2>&1)
  grep -E "number of clients|number of transactions actually|latency average|tps =" "$work/pgbench.txt"
  # Per-transaction log (pgbench -l): the third column is the transaction's latency in microseconds.
  pg_p99=$(cat "$work"/pgb.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')
  pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.txt" | head -n1)
}

# wrk with C connections for DURATION seconds: sets api_rate, api_p99 and created.
run_wrk() {
  local c=$1 trace=$2
  say "wrk: $c connections, 2 threads, ${DURATION}s, POST /api/checkins (each a new check-in)"
  psql -d "$db" -qc 'CHECKPOINT'
  if [ -n "${TRACE:-}" ] && [ "$trace" = yes ]; then
    command -v dotnet-trace >/dev/null || export PATH="$PATH:$HOME/.dotnet/tools"
    dotnet-trace collect -p "$app_pid" --profile dotnet-sampled-thread-time --format Speedscope --duration "00:00:00:$((DURATION > 5 ? DURATION - 5 : DURATION))" -o "$TRACE" >"$work/trace.log" 2>&1 &
    trace_pid=$!
  fi
  CHECKIN_TOKENS="$work/tokens.txt" wrk -t2 -c"$c" -d"${DURATION}s" --latency -s bench/checkin.lua "http://127.0.0.1:$PORT" | tee "$work/wrk.txt"
  [ -n "${trace_pid:-}" ] && { wait "$trace_pid"; trace_pid=""; } # the trace, if one was taken
  api_rate=$(sed -n 's/^summary: .* rate=\([0-9.]*\) .*/\1/p' "$work/wrk.txt")
  api_p99=$(sed -n 's/^summary: .* p99_ms=\([0-9.]*\) .*/\1/p' "$work/wrk.txt")
  created=$(sed -n 's/^statuses: .*201=\([0-9]*\).*/\1/p' "$work/wrk.txt")
}

# For each concurrency, ROUNDS pairs of pgbench with C clients and wrk with C connections, back to back, the order
# alternating from round to round (pgbench first in odd rounds): the machine's speed drifts over minutes, and
# alternating pairs spread that drift over both sides.
results=()
for c in $CONNECTIONS; do
  for round in $(seq 1 "$ROUNDS"); do
    say "Concurrency $c, round $round of $ROUNDS"
    if [ $((round % 2)) = 1 ]; then
      run_pgbench "$c"; run_wrk "$c" "$([ "$c" = "$first" ] && [ "$round" = 1 ] && echo yes)"
    else
      run_wrk "$c" no; run_pgbench "$c"
    fi
    results+=("$c $round $pg_tps $pg_p99 $api_rate $api_p99 ${created:-0}")
  done
done
stored=$(psql -d "$db" -Atc 'SELECT count(*) FROM "CheckIns"')

say "Result"
printf '%-12s %-6s %18s %12s %22s %12s\n' "connections" "round" "pgbench per second" "pgbench p99" "API per second" "API p99 ms"
for r in "${results[@]}"; do
  read -r c round pg_tps pg_p99 api_rate api_p99 created <<<"$r"
  printf '%-12s %-6s %18.1f %12.2f %22.1f %12.2f\n' "$c" "$round" "$pg_tps" "$pg_p99" "$api_rate" "$api_p99"
done
# Medians per concurrency; pgbench's best median at any concurrency is the rate the API must reach.
printf '%s\n' "${results[@]}" | awk -v rounds="$ROUNDS" '
  function median(list, n,   i, j, t, a) {
    split(list, a, " "); n = 0; for (i in a) n++
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }
    pg[$1] = pg[$1] " " $3; pl[$1] = pl[$1] " " $4; api[$1] = api[$1] " " $5; al[$1] = al[$1] " " $6 }
  END {
    best = 0
    for (i = 1; i <= k; i++) { c = order[i]; mp[c] = median(pg[c]); if (mp[c] > best) { best = mp[c]; bestc = c } }
    printf "\nmedians of %d rounds\n%-12s %18s %12s %22s %12s %14s %14s\n", rounds, "connections", "pgbench per second", "pgbench p99", "API per second", "API p99 ms", "same clients", "pgbench best"
    met = 0
    for (i = 1; i <= k; i++) {
      c = order[i]; a = median(api[c]); l = median(al[c])
      same = (a >= mp[c] && l < 50) ? "met" : "NOT met"; overall = (a >= best && l < 50) ? "met" : "NOT met"
      if (overall == "met") met = 1
      printf "%-12s %18.1f %12.2f %22.1f %12.2f %14s %14s\n", c, mp[c], median(pl[c]), a, l, same, overall
    }
    printf "\npgbench best median rate: %.1f/s at %s clients\n", best, bestc
    printf "target (the API at least at pgbench'"'"'s best rate, with p99 < 50 ms at that load): %s\n", met ? "met" : "NOT met"
  }'
echo "(same clients: the API against pgbench with as many clients as it has connections; pgbench best: against pgbench's best median rate at any concurrency measured)"
echo "rows in CheckIns: $stored (the demo's year and every check-in answered 201)"
