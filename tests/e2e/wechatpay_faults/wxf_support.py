"""Shared by the WeChat Pay fault-injection scripts (issue 8): one environment per test class (the
test API server, PostgreSQL, the WeChat Pay mock, two manager replicas and one
ProfitShareSchedule whose tasks only start through run-now annotations), plus the invariants
every fault must leave intact, checked where they live:

- the mock's ledger: no (transaction, receiver, kind) paid twice, each expected payout once;
- the database: the order and receiver rows, the operation log of each run;
- the resource: lastRun outcome and counts, conditions, events;
- the managers: still running and healthy, no secret in their logs, events or status.

The profitshare suite's helpers (tests/e2e/profitshare/pss_support.py, secrets_check.py) are
imported, not copied."""

import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "profitshare"))

from orderops_e2e import E2ETestCase, LeaseSettings  # noqa: E402
from orderops_e2e.binaries import require  # noqa: E402
from pss_support import (RECEIVER, beijing_today, condition, condition_is,  # noqa: E402,F401
                         get_pss, insert_order, insert_receiver, let_time_pass, mock_receiver,
                         run_now, schedule, setup_merchant, start_mock, task_status, wait_pss)
from secrets_check import assert_no_secrets  # noqa: E402

ORDERS = "/v3/profitsharing/orders"
UNFREEZE = "/v3/profitsharing/orders/unfreeze"
AMOUNTS = "/v3/profitsharing/transactions/"
BILLS = "/v3/profitsharing/bills"
BILL_FILE = "/v3/billdownload/file"
CERTIFICATES = "/v3/certificates"
PSS_KIND = "ProfitShareSchedule"


def require_binaries():
    require("orderops")
    require("orderops-wechatpay-mock")


class FaultSuite(E2ETestCase):
    """One environment per class: the mock, the merchant, two replicas and the schedule
    `cls.NAME` in `cls.NS` with `cls.spec_overrides`, Ready before the first test."""
    NS = "shop-wxf"
    NAME = "merchant-wxf"
    spec_overrides = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mock = start_mock(cls)
        cls.storage = os.path.join(cls.env.dir, "bills")
        os.makedirs(cls.storage)
        setup_merchant(cls.env, cls.mock, cls.NS)
        cls.replicas = cls.env.start_replicas(2, LeaseSettings(name=cls.environment_name))
        cls.env.kubectl.apply(schedule(cls.NAME, cls.NS, cls.mock, cls.storage,
                                       **cls.spec_overrides))
        wait_pss(cls.env, cls.NS, cls.NAME, lambda o: condition_is(o, "Ready", "True"), 30,
                 "Ready=True")

    # triggering ---------------------------------------------------------------------------------
    def run_task(self, task, token, timeout=90):
        """Runs `task` once through its run-now annotation; (PSS, lastRun, op-log rows of it)."""
        obj = run_now(self.env, self.NS, self.NAME, task, token, timeout=timeout)
        last = task_status(obj, task)["lastRun"]
        return obj, last, operations(self.env.postgres, run_id=last["runID"])

    def faults(self, *specs):
        """Switches on the faults in order (the mock serves the first matching one first)."""
        self.mock.clear_faults()
        for spec in specs:
            spec = dict(spec)
            self.mock.fault(spec.pop("kind"), **spec)

    # checks -------------------------------------------------------------------------------------
    def assertOutcome(self, last, outcome, **counts):
        self.assertEqual(last["outcome"], outcome, last)
        for key, value in counts.items():
            self.assertEqual(last["counts"].get(key, 0), value, "%s in %s" % (key, last))

    def assertCondition(self, obj, type_, status, reason=None):
        self.assertTrue(condition_is(obj, type_, status, reason),
                        "%s: want %s/%s, have %s" % (type_, status, reason, condition(obj, type_)))

    def assertSameBody(self, requests, count):
        """`count` requests, all with one body: a retry resends the identical intent."""
        self.assertEqual(len(requests), count, requests)
        self.assertEqual(len({r["body_sha1"] for r in requests}), 1, requests)

    def assertPaidAtMostOnce(self):
        """No (transaction, receiver account, kind) appears twice in the mock's ledger: every
        scenario of these scripts gives each transaction one receiver per kind."""
        seen = collections.Counter((p["transaction_id"], p["account"], p["kind"])
                                   for p in self.mock.ledger())
        twice = {k: n for k, n in seen.items() if n > 1}
        self.assertEqual(twice, {}, "paid more than once: %s" % twice)

    def assertHealthy(self):
        """The managers survived every fault: processes up, /healthz answering, and the
        follower never ran anything (only the leader talks to WeChat Pay)."""
        for m in self.replicas:
            self.assertTrue(m.running(), "%s exited:\n%s" % (m.name, m.tail()))
            self.assertTrue(m.healthy(), "%s /healthz failed" % m.name)
        leader, followers = self.env.leader(self.replicas)
        for f in followers:
            self.assertEqual(f.metrics().select("orderops_runs_total"), [], f.name)
        return leader

    def assertNoSecrets(self):
        assert_no_secrets(self, self.env, self.mock, self.NS, self.replicas)

    def warning_events(self, reason):
        return [e for e in self.env.kubectl.events(self.NS, self.NAME, kind=PSS_KIND)
                if e.get("type") == "Warning" and e.get("reason") == reason]


# database -----------------------------------------------------------------------------------------
def operations(pg, run_id=None):
    """Operation log rows as dicts (type, success, error_code, request, metadata, duration_ms),
    oldest first; only those of one run when run_id is given."""
    rows = pg.query("SELECT type, success, coalesce(error_code, ''), coalesce(error_message, ''), "
                    "coalesce(request_payload, ''), metadata::text, duration_ms "
                    "FROM wechat_pay_profit_share_operation_log ORDER BY id")
    out = []
    for type_, success, code, message, request, metadata, duration in rows:
        meta = json.loads(metadata or "{}")
        if run_id is not None and meta.get("runID") != run_id:
            continue
        out.append({"type": type_, "success": success, "error_code": code, "message": message,
                    "request": json.loads(request) if request.startswith("{") else {},
                    "metadata": meta, "duration_ms": duration})
    return out


def op_summary(ops):
    """[(type, success)] of operation rows: the calls of a run as the audit trail shows them."""
    return [(o["type"], o["success"]) for o in ops]


def order_row(pg, out_order_no):
    """The order's row as a dict (None when absent)."""
    rows = pg.query(
        "SELECT id, kind, state, coalesce(order_id, ''), sync_attempts, coalesce(last_error, ''), "
        "next_sync_at > now(), parent_order_id, unfrozen_at IS NOT NULL "
        "FROM wechat_pay_profit_share_order WHERE out_order_no = %s", (out_order_no,))
    if not rows:
        return None
    keys = ("id", "kind", "state", "order_id", "sync_attempts", "last_error", "sync_later",
            "parent", "unfrozen")
    return dict(zip(keys, rows[0]))


def receiver_results(pg, order_id):
    return [r[0] for r in pg.query("SELECT result FROM wechat_pay_profit_share_receiver "
                                   "WHERE order_id = %s ORDER BY id", (order_id,))]


def payouts(mock, transaction_id):
    """(out_order_no, account, amount, kind) the mock paid for one transaction."""
    return [(p["out_order_no"], p["account"], p["amount"], p["kind"]) for p in mock.ledger()
            if p["transaction_id"] == transaction_id]


def mock_orders(mock, transaction_id):
    return [o for o in mock.orders() if o["transaction_id"] == transaction_id]

