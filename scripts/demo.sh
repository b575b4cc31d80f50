#!/usr/bin/env bash
# `make demo`: OrderOps on a local stack. It starts a throwaway PostgreSQL with after-sales and
# profit-sharing data, the OrderOps test API server (kubectl talks to it like to a cluster), the
# WeChat Pay mock and two `orderops manager` replicas; applies crds/ and the samples with kubectl;
# runs each job once through the run-now annotations; and prints what a user would look at.
# DEMO_DURATION=0 (make demo-ci) stops after one round and exits 0 only if everything came up
# green; otherwise the stack keeps running until Ctrl-C. Everything it starts is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/bin"
# DEMO_DIR: where the demo keeps its state (default .demo/); scripts/render-dashboard.py sets it.
demo="${DEMO_DIR:-$root/.demo}"
duration=${DEMO_DURATION:-}
pids=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 1; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a program in the background with its output in $demo/<name>.log and waits for the
# line that says it is ready.
start() {
  local name=$1 ready=$2
  shift 2
  "$@" >"$demo/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q "$ready" "$demo/$name.log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || fail "$name exited; see $demo/$name.log"
    sleep 0.2
  done
  fail "$name did not start; see $demo/$name.log"
}

# Waits up to $2 seconds for a jsonpath of a resource to be non-empty.
await() {
  local what=$1 seconds=$2 path=$3
  for _ in $(seq 1 $((seconds * 4))); do
    [ -n "$(kubectl get -n shop "$what" -o jsonpath="$path" 2>/dev/null)" ] && return 0
    sleep 0.25
  done
  return 1
}

for b in orderops orderops-test-apiserver orderops-test-postgres orderops-wechatpay-mock; do
  [ -x "$bin/$b" ] || fail "missing $bin/$b: run make build"
done
rm -rf "$demo" && mkdir -p "$demo/mock" "$demo/bills"
export KUBECONFIG="$demo/kubeconfig" KUBECACHEDIR="$demo/kubecache"

say "Starting PostgreSQL 15, the test API server and the WeChat Pay mock"
start postgres "postgresql://" "$bin/orderops-test-postgres" --database shop --url-file "$demo/db-url"
start apiserver "listening on" "$bin/orderops-test-apiserver" --port 0 \
  --write-kubeconfig "$KUBECONFIG"
start wechatpay-mock "listening on" "$bin/orderops-wechatpay-mock" --state-dir "$demo/mock" --port 0
db_url=$(cat "$demo/db-url")
mock_url=$(grep -o 'http[^ ]*' "$demo/wechatpay-mock.log" | head -1)
mch_id=$(cat "$demo/mock/mch_id")
echo "database  $(echo "$db_url" | sed 's#://\([^:]*\):[^@]*@#://\1:REDACTED@#')"
echo "kube API  $(grep -o 'https[^ ]*' "$demo/apiserver.log" | head -1)"
echo "WeChat    $mock_url (mock, merchant $mch_id)"

say "Seeding the shop database"
psql -q -v ON_ERROR_STOP=1 "$db_url" <<SQL
-- 3000 after-sales requests: 2400 overdue in the three timed states, 600 not due yet.
INSERT INTO order_aftersales (id, type, reference_number, state, stage, auto_process_time,
                              create_time, update_time)
SELECT g, (ARRAY['refund_only','return_refund','exchange'])[1 + g % 3], 'AS' || lpad(g::text, 8, '0'),
       (ARRAY['pending_approval','pending_return','pending_receive'])[1 + g % 3], 'apply',
       CASE WHEN g % 5 = 0 THEN now() + interval '2 days' ELSE now() - (g % 48) * interval '1 hour' END,
       now() - interval '10 days', now() - interval '10 days'
FROM generate_series(1, 3000) g;
INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (1, '$mch_id');
INSERT INTO wechat_pay_profit_share_order (merchant_id, transaction_id, out_order_no, state, kind,
                                           unfreeze_unsplit, create_time, update_time)
SELECT 1, '42000000' || lpad(g::text, 4, '0'), 'PS' || lpad(g::text, 6, '0'), 'PROCESSING', 'SPLIT',
       false, now() - interval '1 hour', now() - interval '1 hour'
FROM generate_series(1, 20) g;
SQL
for g in $(seq 1 20); do
  tx="42000000$(printf %04d "$g")" out="PS$(printf %06d "$g")"
  curl -sf -X POST "$mock_url/admin/transactions" \
    -d "{\"transaction_id\":\"$tx\",\"amount\":10000,\"max_ratio\":10000}" >/dev/null
  curl -sf -X POST "$mock_url/admin/orders" -d "{\"transaction_id\":\"$tx\",\"out_order_no\":\"$out\",
    \"receivers\":[{\"type\":\"MERCHANT_ID\",\"account\":\"1900000109\",\"amount\":1200,
    \"description\":\"platform fee\"}],\"state\":\"PROCESSING\"}" >/dev/null
done
echo "after-sales rows per state, before:"
psql -q "$db_url" -c "SELECT state, count(*) AS rows, count(*) FILTER (WHERE auto_process_time <= now()) AS overdue
                      FROM order_aftersales GROUP BY state ORDER BY state"

say "Applying the CRDs, the samples and their Secrets with kubectl"
kubectl apply -k "$root/crds"
kubectl wait --for=condition=Established --timeout=30s \
  crd/aftersalestimeoutpolicies.orderops.io crd/profitshareschedules.orderops.io >/dev/null
# The samples hold placeholders for Secrets; the demo's real ones point at the local stack.
/usr/bin/python3 - "$demo" "$db_url" <<'PY' >"$demo/secrets.yaml"
import sys, yaml
demo, url = sys.argv[1], sys.argv[2]
files = {k: open(f"{demo}/mock/{k}").read() for k in ("apiclient_key.pem", "merchant_serial_no", "apiv3_key")}
docs = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-db", "namespace": "shop"},
     "stringData": {"uri": url}},
    {"apiVersion": "v1", "kind": "Secret",
     "metadata": {"name": "wechatpay-1900009191", "namespace": "shop"}, "stringData": files},
]
print(yaml.safe_dump_all(docs))
PY
kubectl apply -f "$demo/secrets.yaml"
kubectl apply -f "$root/crds/samples/aftersalestimeoutpolicy.yaml"
kubectl apply -f "$root/crds/samples/profitshareschedule.yaml"
# The sample talks to the real WeChat Pay; here it talks to the mock and stores bills locally.
kubectl patch pss -n shop merchant-1900009191 --type merge -p \
  "{\"spec\":{\"merchant\":{\"mchId\":\"$mch_id\"},\"endpoint\":\"$mock_url\",\"billDownload\":{\"storagePath\":\"$demo/bills\"}}}"

say "Starting two orderops manager replicas (leader election on)"
start manager-1 "starting workers" "$bin/orderops" manager --leader-election-namespace default \
  --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0
start manager-2 "attempting to acquire leader lease" "$bin/orderops" manager \
  --leader-election-namespace default --metrics-bind-address 127.0.0.1:0 \
  --health-probe-bind-address 127.0.0.1:0
metrics_port=$(grep '"serving metrics"' "$demo/manager-1.log" | sed 's/.*"port":\([0-9]*\).*/\1/')
# Both replicas' metrics addresses, one per line, for a Prometheus to scrape.
grep -h '"serving metrics"' "$demo"/manager-[12].log |
  sed 's/.*"port":\([0-9]*\).*/127.0.0.1:\1/' >"$demo/metrics-targets"
await atp/shop-aftersales 30 '{.status.observedGeneration}' || fail "the policy got no status"
await pss/merchant-1900009191 30 '{.status.observedGeneration}' || fail "the schedule got no status"

say "Running each job once now (run-now annotations)"
token="demo-$(date +%s)"
kubectl annotate atp -n shop shop-aftersales --overwrite "orderops.io/run-now=$token"
kubectl annotate pss -n shop merchant-1900009191 --overwrite "orderops.io/run-now-sync=$token" \
  "orderops.io/run-now-download-bill=$token"
await atp/shop-aftersales 120 '{.status.lastRun.outcome}' || fail "the after-sales run did not finish"
await pss/merchant-1900009191 120 '{.status.tasks.sync.lastRun.outcome}' || fail "sync did not finish"
await pss/merchant-1900009191 120 '{.status.tasks.billDownload.lastRun.outcome}' ||
  fail "the bill download did not finish"
sleep 1

say "kubectl get orderops -n shop"
kubectl get orderops -n shop
say "Conditions"
for r in atp/shop-aftersales pss/merchant-1900009191; do
  echo "$r"
  kubectl get -n shop "$r" -o jsonpath='{range .status.conditions[*]}  {.type}={.status} ({.reason}) {.message}{"\n"}{end}'
done
say "Last runs"
kubectl get atp -n shop shop-aftersales -o jsonpath='{.status.lastRun.runID}: {.status.lastRun.outcome}: {.status.lastRun.message}{"\n"}'
kubectl get pss -n shop merchant-1900009191 -o jsonpath='{.status.tasks.sync.lastRun.runID}: {.status.tasks.sync.lastRun.message}{"\n"}{.status.tasks.billDownload.lastRun.runID}: {.status.tasks.billDownload.lastRun.message}{"\n"}'
say "The database after"
psql -q "$db_url" -c "SELECT state, count(*) AS rows FROM order_aftersales GROUP BY state ORDER BY state" \
  -c "SELECT action, count(*) AS audit_rows FROM order_aftersales_logs GROUP BY action" \
  -c "SELECT state, count(*) AS profit_share_orders FROM wechat_pay_profit_share_order GROUP BY state"
echo "bills downloaded:"
find "$demo/bills" -name '*.csv.gz' | sed "s#^$demo/#  .demo/#"
say "Key metrics (leader's :$metrics_port/metrics)"
curl -s "127.0.0.1:$metrics_port/metrics" |
  grep -E '^orderops_(leader|runs_total|aftersales_transitions_total|aftersales_backlog|profitshare_orders_synced_total|profitshare_bill_downloads_total|wechatpay_requests_total)\b' |
  grep -v ' 0$' || true

ready_atp=$(kubectl get atp -n shop shop-aftersales -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
ready_pss=$(kubectl get pss -n shop merchant-1900009191 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
outcomes=$(kubectl get atp -n shop shop-aftersales -o jsonpath='{.status.lastRun.outcome}'; echo -n ' ';
           kubectl get pss -n shop merchant-1900009191 -o jsonpath='{.status.tasks.sync.lastRun.outcome} {.status.tasks.billDownload.lastRun.outcome}')
green=true
[ "$ready_atp $ready_pss" = "True True" ] || green=false
[ "$outcomes" = "Succeeded Succeeded Succeeded" ] || green=false

say "Keep poking"
cat <<TXT
  export KUBECONFIG=$KUBECONFIG KUBECACHEDIR=$KUBECACHEDIR
  kubectl get orderops -n shop ; kubectl describe atp -n shop shop-aftersales
  logs: $demo/*.log    metrics: curl 127.0.0.1:$metrics_port/metrics
TXT
if [ "$duration" = "0" ]; then
  $green && { echo "demo: everything came up green"; exit 0; }
  fail "not green: Ready=$ready_atp/$ready_pss, outcomes: $outcomes"
fi
$green || echo "demo: not everything is green: Ready=$ready_atp/$ready_pss, outcomes: $outcomes"
echo "The stack keeps running; Ctrl-C stops everything."
while true; do sleep 3600; done
