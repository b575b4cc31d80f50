"""End to end (issue 7): the ProfitShareSchedule conditions OrdersStuck, BillDownloadFailing and
RetryExhausted turn True when the WeChat Pay mock and the database are made to produce those
situations, and False again once they are gone; on two manager replicas with the test API
server. Also: no secret in logs, events or status after all those failures.

Run: /usr/bin/python3 tests/e2e/profitshare/test_conditions.py  (ORDEROPS_BIN_DIR=build/bin)"""

import os
import unittest

from pss_support import (condition, condition_is, insert_order, insert_receiver, let_time_pass,
                         mock_receiver, order_state, run_now, schedule, setup_merchant,
                         start_mock, task_status)
from orderops_e2e import E2ETestCase, LeaseSettings
from orderops_e2e.binaries import require
from secrets_check import assert_no_secrets

NS = "shop-pss-cond"
NAME = "merchant-cond"


class ProfitShareConditionsTest(E2ETestCase):
    environment_name = "pss-conditions"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mock = start_mock(cls)
        cls.storage = os.path.join(cls.env.dir, "bills")
        os.makedirs(cls.storage)
        setup_merchant(cls.env, cls.mock, NS)
        cls.replicas = cls.env.start_replicas(2, LeaseSettings(name="pss-conditions"))

    def assertCondition(self, obj, type_, status, reason):
        c = condition(obj, type_)
        self.assertTrue(condition_is(obj, type_, status, reason),
                        "%s: want %s/%s, have %s" % (type_, status, reason, c))

    def files(self):
        return sorted(f for _, _, fs in os.walk(self.storage) for f in fs)

    def test_conditions_flip_and_back(self):
        env, pg, mock = self.env, self.env.postgres, self.mock
        leader, (follower,) = env.leader(self.replicas)
        env.kubectl.apply(schedule(NAME, NS, mock, self.storage,
                                   sync={"timeoutHours": 24}, alerts={"billDownloadFailures": 1}))

        with self.subTest("OrdersStuck"):
            self.check_orders_stuck(pg, mock)
        with self.subTest("BillDownloadFailing"):
            self.check_bill_download_failing(pg, mock)
        with self.subTest("RetryExhausted"):
            self.check_retry_exhausted(pg, mock)
        with self.subTest("secrets"):
            assert_no_secrets(self, env, mock, NS, [leader, follower])

    def check_orders_stuck(self, pg, mock):
        mock.transaction("4200001001", 1000)
        mock.order("4200001001", "P-STUCK-1", [mock_receiver()], hold=True)
        order = insert_order(pg, "4200001001", "P-STUCK-1", created="now() - interval '48 hours'")
        insert_receiver(pg, order, created="now() - interval '48 hours'")
        obj = run_now(self.env, NS, NAME, "sync", "stuck-1")
        last = task_status(obj, "sync")["lastRun"]
        self.assertEqual((last["outcome"], last["counts"]["stuck"]), ("Succeeded", 1), last)
        self.assertEqual(obj["status"]["ordersStuck"], 1)
        self.assertCondition(obj, "OrdersStuck", "True", "ProcessingTimeout")
        self.assertEqual(order_state(pg, order), "PROCESSING")

        mock.hold("P-STUCK-1", False)
        let_time_pass(pg)  # the poll backoff of the stuck order is due
        obj = run_now(self.env, NS, NAME, "sync", "stuck-2")
        last = task_status(obj, "sync")["lastRun"]
        self.assertEqual((last["counts"]["finished"], last["counts"]["stuck"]), (1, 0), last)
        self.assertEqual(order_state(pg, order), "FINISHED")
        self.assertEqual(obj["status"]["ordersStuck"], 0)
        self.assertCondition(obj, "OrdersStuck", "False", "NoStuckOrders")

    def check_bill_download_failing(self, pg, mock):
        # Every apply announces a wrong hash: the download is refused and leaves no file behind.
        mock.fault("bill_hash_mismatch", count=-1, path="/v3/profitsharing/bills")
        obj = run_now(self.env, NS, NAME, "download-bill", "bill-bad")
        last = task_status(obj, "download-bill")["lastRun"]
        self.assertNotEqual(last["outcome"], "Succeeded", last)
        self.assertGreaterEqual(last["counts"]["failed"], 1, last)
        self.assertEqual(last["counts"]["downloaded"], 0, last)
        self.assertEqual(self.files(), [])
        self.assertCondition(obj, "BillDownloadFailing", "True", "ConsecutiveFailures")

        mock.clear_faults()
        obj = run_now(self.env, NS, NAME, "download-bill", "bill-good")
        last = task_status(obj, "download-bill")["lastRun"]
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertGreaterEqual(last["counts"]["downloaded"], 1, last)
        self.assertEqual(len(self.files()), last["counts"]["downloaded"], self.files())
        self.assertCondition(obj, "BillDownloadFailing", "False", "Downloading")

    def check_retry_exhausted(self, pg, mock):
        mock.transaction("4200001002", 1000)
        order = insert_order(pg, "4200001002", "P-NORETRY-1", state="FINISHED")
        receiver = insert_receiver(pg, order, result="CLOSED", fail_reason="RECEIVER_HIGH_RISK")
        posts_before = self.order_posts(mock)
        obj = run_now(self.env, NS, NAME, "retry", "exhaust-1")
        last = task_status(obj, "retry")["lastRun"]
        self.assertEqual((last["counts"]["finallyFailed"], last["counts"]["resubmitted"]), (1, 0),
                         last)
        self.assertEqual(self.order_posts(mock), posts_before, "a non-retryable reason was sent")
        self.assertEqual(pg.query("SELECT finally_failed FROM wechat_pay_profit_share_receiver "
                                  "WHERE id = %s", (receiver,)), [(True,)])
        self.assertEqual(obj["status"]["receiversFinallyFailed"], 1)
        self.assertCondition(obj, "RetryExhausted", "True", "ReceiversFinallyFailed")

        # Out of retry.lookbackDays (7): no longer counted once the next run looks.
        pg.execute("UPDATE wechat_pay_profit_share_receiver SET create_time = now() - "
                   "interval '30 days' WHERE id = %s", (receiver,))
        obj = run_now(self.env, NS, NAME, "retry", "exhaust-2")
        self.assertEqual(obj["status"]["receiversFinallyFailed"], 0)
        self.assertCondition(obj, "RetryExhausted", "False", "NoExhaustedReceivers")

    @staticmethod
    def order_posts(mock):
        return len([r for r in mock.requests() if r["method"] == "POST" and
                    r["target"].startswith("/v3/profitsharing/orders")])


if __name__ == "__main__":
    require("orderops")
    require("orderops-wechatpay-mock")
    unittest.main(verbosity=2)
