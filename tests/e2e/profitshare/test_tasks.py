"""End to end (issue 7): a ProfitShareSchedule on two manager replicas against the test API
server, PostgreSQL and the WeChat Pay mock. run-now-sync finishes PROCESSING orders in the
database and status.tasks.sync.lastRun counts them; run-now-download-bill places the bill under
storagePath with the documented name and the mock's content; run-now-retry resubmits a CLOSED
retryable receiver exactly once; no secret reaches logs, events or status.

Run: /usr/bin/python3 tests/e2e/profitshare/test_tasks.py  (ORDEROPS_BIN_DIR=build/bin)"""

import datetime
import gzip
import hashlib
import os
import unittest

from pss_support import (RECEIVER, beijing_today, condition_is, insert_order, insert_receiver,
                         let_time_pass, mock_receiver, order_state, run_now, schedule,
                         setup_merchant, start_mock, task_status, wait_pss)
from orderops_e2e import E2ETestCase, LeaseSettings
from orderops_e2e.binaries import require
from secrets_check import assert_no_secrets

NS = "shop-pss"
NAME = "merchant-e2e"


class ProfitShareTasksTest(E2ETestCase):
    environment_name = "pss-tasks"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mock = start_mock(cls)
        cls.storage = os.path.join(cls.env.dir, "bills")
        os.makedirs(cls.storage)
        setup_merchant(cls.env, cls.mock, NS)
        cls.replicas = cls.env.start_replicas(2, LeaseSettings(name="pss-tasks"))

    def test_tasks_end_to_end(self):
        env, pg, mock = self.env, self.env.postgres, self.mock
        leader, (follower,) = env.leader(self.replicas)
        env.kubectl.apply(schedule(NAME, NS, mock, self.storage))
        wait_pss(env, NS, NAME, lambda o: condition_is(o, "Ready", "True"), 30, "Ready=True")

        with self.subTest("sync"):
            self.check_sync(pg, mock)
        with self.subTest("download-bill"):
            self.check_bill(pg, mock)
        with self.subTest("retry"):
            self.check_retry(pg, mock)
        with self.subTest("secrets"):
            assert_no_secrets(self, env, mock, NS, [leader, follower])
        self.assertEqual(follower.metrics().select("orderops_runs_total"), [])

    # sync ------------------------------------------------------------------------------------
    def check_sync(self, pg, mock):
        ids = []
        for i in range(3):
            tx, out = "42000000%02d" % i, "P-SYNC-%d" % i
            mock.transaction(tx, 1000)
            mock.order(tx, out, [mock_receiver()])
            ids.append(insert_order(pg, tx, out))
            insert_receiver(pg, ids[-1])
        obj = run_now(self.env, NS, NAME, "sync", "sync-1")
        last = task_status(obj, "sync")["lastRun"]
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertEqual(last["counts"]["finished"], 3, last)
        self.assertEqual(last["counts"]["selected"], 3, last)
        self.assertEqual([order_state(pg, i) for i in ids], ["FINISHED"] * 3)
        self.assertEqual(pg.query(
            "SELECT count(*) FROM wechat_pay_profit_share_receiver WHERE order_id = ANY(%s) "
            "AND result = 'SUCCESS'", (ids,))[0][0], 3)
        self.assertEqual(obj["status"].get("ordersStuck", 0), 0)

    # bill --------------------------------------------------------------------------------------
    def check_bill(self, pg, mock):
        # A split paid two Beijing days ago: the mock's clock goes back for the admin seeding
        # only (admin calls are unsigned), then returns to now for the signed API calls.
        day = beijing_today() - datetime.timedelta(days=2)
        back = int((datetime.datetime.now(datetime.timezone.utc) - datetime.datetime(
            day.year, day.month, day.day, 4, 0, tzinfo=datetime.timezone.utc)).total_seconds())
        mock.admin("POST", "/admin/time", {"advance_seconds": -back})
        try:
            mock.transaction("4200000900", 5000)
            mock.order("4200000900", "P-BILL-1", [mock_receiver(amount=123)], state="FINISHED")
        finally:
            mock.admin("POST", "/admin/time", {"advance_seconds": back})
        obj = run_now(self.env, NS, NAME, "download-bill", "bill-1")
        last = task_status(obj, "download-bill")["lastRun"]
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertGreaterEqual(last["counts"]["downloaded"], 1, last)
        iso = day.isoformat()
        path = os.path.join(self.storage, iso[:4], iso[5:7], mock.mch_id,
                            "profit_share_%s_%s.csv.gz" % (iso, mock.mch_id))
        self.assertTrue(os.path.isfile(path), "no %s; storage has %s" % (
            path, [os.path.join(d, f) for d, _, fs in os.walk(self.storage) for f in fs]))
        with gzip.open(path) as f:
            csv = f.read().decode("utf-8")
        self.assertEqual([f for _, _, fs in os.walk(self.storage) for f in fs if
                          f.startswith(".") or f.endswith(".tmp")], [], "temporary files left")
        detail = [l for l in csv.splitlines() if "`P-BILL-1," in l]
        self.assertEqual(len(detail), 1, csv)
        self.assertIn("`4200000900,", detail[0])
        self.assertIn("`%s," % RECEIVER, detail[0])
        self.assertIn("`1.23,", detail[0])
        self.assertTrue(csv.splitlines()[-1].startswith("`1,`1.23,"), csv)
        # The mock announced the SHA-1 of the CSV; the task row records it and the file's place.
        rows = pg.query("SELECT status, hash_value, local_path FROM "
                        "wechat_pay_profit_share_bill_task WHERE bill_date = %s", (day,))
        self.assertEqual(rows, [("downloaded", hashlib.sha1(csv.encode("utf-8")).hexdigest(),
                                 path)])

    # retry -------------------------------------------------------------------------------------
    def check_retry(self, pg, mock):
        mock.transaction("4200000800", 1000)
        order = insert_order(pg, "4200000800", "P-RETRY-1", state="FINISHED")
        receiver = insert_receiver(pg, order, result="CLOSED", fail_reason="ACCOUNT_ABNORMAL")
        obj = run_now(self.env, NS, NAME, "retry", "retry-1")
        last = task_status(obj, "retry")["lastRun"]
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertEqual(last["counts"]["resubmitted"], 1, last)
        # A second run must not resubmit the same receiver (its retry is recorded and pending).
        obj = run_now(self.env, NS, NAME, "retry", "retry-2")
        self.assertEqual(task_status(obj, "retry")["lastRun"]["counts"].get("resubmitted", 0), 0,
                         task_status(obj, "retry")["lastRun"])
        at_mock = [o for o in mock.orders() if o["transaction_id"] == "4200000800"]
        self.assertEqual(len(at_mock), 1, at_mock)
        self.assertEqual(at_mock[0]["out_order_no"], "P-RETRY-1-R%d-1" % receiver)
        self.assertEqual([r["account"] for r in at_mock[0]["receivers"]], [RECEIVER])
        self.assertEqual(pg.query(
            "SELECT count(*) FROM wechat_pay_profit_share_order WHERE kind = 'RETRY' AND "
            "transaction_id = '4200000800'")[0][0], 1)
        posts = [r for r in mock.requests() if r["method"] == "POST" and
                 r["target"].startswith("/v3/profitsharing/orders") and
                 not r["target"].endswith("unfreeze")]
        self.assertEqual(len(posts), 1, posts)
        # A sync once its first poll is due finishes the RETRY order: paid exactly once.
        let_time_pass(pg)
        run_now(self.env, NS, NAME, "sync", "sync-after-retry")
        self.assertEqual(pg.query(
            "SELECT state FROM wechat_pay_profit_share_order WHERE kind = 'RETRY' AND "
            "transaction_id = '4200000800'"), [("FINISHED",)])
        paid = [(p["out_order_no"], p["account"], p["amount"]) for p in mock.ledger()
                if p["transaction_id"] == "4200000800"]
        self.assertEqual(paid, [("P-RETRY-1-R%d-1" % receiver, RECEIVER, 100)])


if __name__ == "__main__":
    require("orderops")
    require("orderops-wechatpay-mock")
    unittest.main(verbosity=2)
