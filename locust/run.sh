#!/usr/bin/env bash
# Query load benchmark: seeds the benchmark history (first run; later runs top up the recent buckets), starts serving-api on it, runs Locust's
# dashboard mix headless, then measures the database time of the same query shapes without HTTP.
#   locust/run.sh [users=50] [seconds=60]      (PULSE_LOCUST_WAIT=0,0 for a closed-loop stress run)
# Prints Locust's table (p50/p95/p99, requests/s) and the database times; see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-50}
SECONDS_TO_RUN=${2:-60}
PORT=${PULSE_BENCH_PORT:-8089}
DB_URL=${PULSE_BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/pulse_bench}
OUT=bench-results/locust-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

command -v locust >/dev/null || { echo "locust missing: apt-get install python3-locust"; exit 1; }

# The identity provider and the server run under mvn, which starts their JVMs as children: each is started
# as a process group of its own and stopped as that group, by its id, never by a name that could match
# another process on a shared machine.
STARTED=()
start_group() { setsid "$@" & STARTED+=("$!"); }
stop_group() { kill -TERM -- "-$1" 2>/dev/null || true; }
stop_all() { for group in "${STARTED[@]}"; do stop_group "$group"; done; }
trap stop_all EXIT
mvn -B -q install -DskipTests -Djacoco.skip=true
mvn -B -q -pl serving-api exec:exec@seed -Dseed.args="--jdbc-url $DB_URL"

# start from a cold cache: the history does not change between runs, the cache would
redis-cli --scan --pattern 'bench:cache*' | xargs -r redis-cli del > /dev/null
# the embedded OIDC provider: the server checks tokens against its JWKS; Locust sends its token
start_group mvn -B -q -Dstyle.color=never -pl serving-api exec:exec@identity -Dbench.args="--tenant bench --roles admin" \
  > "$OUT/identity.txt" 2>&1
for _ in $(seq 1 120); do
  grep -q 'PULSE_TOKEN=' "$OUT/identity.txt" && break
  sleep 1 # waiting for the provider to print its issuer and token
done
PULSE_OIDC_ISSUER=$(sed -n 's/.*PULSE_OIDC_ISSUER=//p' "$OUT/identity.txt")
PULSE_TOKEN=$(sed -n 's/.*PULSE_TOKEN=//p' "$OUT/identity.txt")
export PULSE_OIDC_ISSUER PULSE_TOKEN
PULSE_JDBC_URL=$DB_URL MICRONAUT_SERVER_PORT=$PORT PULSE_REDIS_NAMESPACE=bench \
  start_group mvn -B -q -pl serving-api exec:exec@run -Drun.jvm.args="-Xmx1g" > "$OUT/server.log" 2>&1
SERVER=${STARTED[-1]}
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/openapi/pulse-v2.yml" >/dev/null && break
  sleep 1 # waiting for the server to listen; the loop ends as soon as it does
done

# warm-up (JIT, connection pool, cache), not reported
locust -f locust/locustfile.py --headless -u "$USERS" -r "$USERS" -t 15s --host "http://127.0.0.1:$PORT" \
  --only-summary > /dev/null 2>&1 || true
locust -f locust/locustfile.py --headless -u "$USERS" -r "$USERS" -t "${SECONDS_TO_RUN}s" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary 2>&1 | tee "$OUT/locust.txt"
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1048576)}') GiB; users=$USERS wait=${PULSE_LOCUST_WAIT:-1,5}s duration=${SECONDS_TO_RUN}s; server -Xmx1g, Locust, PostgreSQL and Redis on the same machine" | tee -a "$OUT/locust.txt"

stop_group "$SERVER"; wait "$SERVER" 2>/dev/null || true # the database times below run without it
mvn -B -q -pl serving-api exec:exec@query-times -Dbench.args="--jdbc-url $DB_URL" | tee "$OUT/query-times.txt"
echo "results in $OUT"
