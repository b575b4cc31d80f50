"""Fault injection, WeChat Pay side (issue 8): the answers the sync task reads (GET
/v3/profitsharing/orders/{out_order_no}) fail in each documented way on the real manager: 500,
503, 202, 429 in three spellings, the connection dropped, an answer without signature headers,
with a bad signature, with a WECHATPAY/SIGNTEST/ probe, with a stale timestamp, with a serial
nobody knows; and WeChat Pay rotates its platform certificate.

Invariants (jobs.md section 3, reference sections 3 and 6), checked in the database, the mock's
ledger, the operation log and the resource:
- a transient failure is retried within the run and the order is stored once, correctly;
- an answer that cannot be verified is never trusted: the mock has FINISHED the order, yet the
  row stays PROCESSING with its receivers PENDING, its error recorded and its next poll
  scheduled; the run names it (PartiallyFailed, an event, the probe logged as refused);
- once the faults stop, the next sync converges every row to WeChat Pay's state;
- a rotated certificate is fetched on the unknown serial and then named in requests;
- nobody is paid twice, the managers stay up and leak no secret.

Run: ORDEROPS_BIN_DIR=build/bin /usr/bin/python3 tests/e2e/wechatpay_faults/test_answer_faults.py"""

import unittest

from wxf_support import (CERTIFICATES, ORDERS, FaultSuite, insert_order, insert_receiver,
                         let_time_pass, mock_receiver, op_summary, order_row, receiver_results,
                         require_binaries)

# Answered in the end within the run: the faults the client retries with the same request.
TRANSIENT = {
    "S01": [{"kind": "500"}, {"kind": "503"}],
    "S02": [{"kind": "202"}, {"kind": "429"}],
    "S03": [{"kind": "429", "code": "RATELIMIT_EXCEEDED"},
            {"kind": "429", "code": "FREQUENCY_LIMITED"}],
    "S04": [{"kind": "drop"}],
    "S05": [{"kind": "unsigned"}, {"kind": "bad_signature"}],
    "S06": [{"kind": "signtest"}],
}
# (A status fault and a signature fault matching one request are both used up by it, so each
# order's list holds faults of one family.)
# Never trustworthy during the first run: the row must not change.
UNTRUSTED = {
    "S11": ("bad_signature", "RESPONSE_SIGNATURE_INVALID"),
    "S12": ("signtest", "RESPONSE_SIGNTEST_PROBE"),
    "S13": ("unsigned", "RESPONSE_UNSIGNED"),
    "S14": ("stale_timestamp", "RESPONSE_TIMESTAMP_EXPIRED"),
    "S15": ("unknown_serial", "RESPONSE_SERIAL_UNKNOWN"),
    "S16": ("503", "SERVICE_UNAVAILABLE"),
}


class AnswerFaultsTest(FaultSuite):
    environment_name = "wxf-answers"
    NS = "shop-wxf-answers"
    NAME = "merchant-wxf-answers"

    def setUp(self):
        self.pg = self.env.postgres

    def processing_order(self, tag, tx):
        """A split the shop created: PROCESSING in the database and at the mock, where the
        next read finishes it (receiver SUCCESS)."""
        self.mock.transaction(tx, 1000)
        self.mock.order(tx, "P-" + tag, [mock_receiver()])
        order = insert_order(self.pg, tx, "P-" + tag)
        insert_receiver(self.pg, order)
        return "P-" + tag

    def assertFinished(self, number):
        row = order_row(self.pg, number)
        self.assertEqual((row["state"], row["last_error"]), ("FINISHED", ""), number)
        self.assertNotEqual(row["order_id"], "", number)
        self.assertEqual(receiver_results(self.pg, row["id"]), ["SUCCESS"], number)

    def test_sync_answers_under_faults(self):
        tags = sorted(TRANSIENT) + sorted(UNTRUSTED)
        for i, tag in enumerate(tags):
            self.processing_order(tag, "42000030%02d" % i)
        with self.subTest("faulty answers"):
            self.check_faulty_answers(tags)
        with self.subTest("converges once the faults stop"):
            self.check_converges(tags)
        with self.subTest("rotated certificate"):
            self.check_rotation()
        with self.subTest("nobody paid twice, managers up, no secret"):
            self.assertPaidAtMostOnce()
            leader = self.assertHealthy()
            self.assertTrue(leader.log_messages("wechatpay signature probe refused"),
                            "the SIGNTEST probe is logged as refused")
            # Each attempt is counted under its outcome: S06's probe once, S12's three times.
            metrics = leader.metrics()
            self.assertEqual(metrics.sum("orderops_wechatpay_requests_total",
                                         code="RESPONSE_SIGNTEST_PROBE"), 4)
            self.assertGreaterEqual(metrics.sum("orderops_wechatpay_requests_total",
                                                code="FREQUENCY_LIMITED"), 1)
            self.assertNoSecrets()

    def check_faulty_answers(self, tags):
        """One sync run with a fault on every order's query (matched by its path)."""
        for tag, faults in TRANSIENT.items():
            self.faults_for(tag, faults)
        for tag, (kind, _) in UNTRUSTED.items():
            self.faults_for(tag, [{"kind": kind, "count": -1}])
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("sync", "faulty", timeout=120)
        self.assertOutcome(last, "PartiallyFailed", selected=len(tags), finished=len(TRANSIENT),
                           failed=len(UNTRUSTED))
        for tag in TRANSIENT:
            self.assertFinished("P-" + tag)
            # Each fault cost one attempt (a dropped one may be replayed once by cpprestsdk on
            # a fresh connection); every attempt asked the same question.
            queries = self.mock.requests_since(mark, "GET", "%s/P-%s" % (ORDERS, tag))
            self.assertIn(len(queries), range(len(TRANSIENT[tag]) + 1, len(TRANSIENT[tag]) + 3),
                          queries)
            self.assertEqual(queries[-1]["status"], 200, queries)
            self.assertEqual({q["target"] for q in queries}, {queries[0]["target"]})
        by_number = {o["request"].get("out_order_no"): o for o in ops}
        for tag, (_, reason) in UNTRUSTED.items():
            number = "P-" + tag
            row = order_row(self.pg, number)
            # The mock finished it; nothing of that answer may be believed.
            self.assertEqual((row["state"], row["order_id"]), ("PROCESSING", ""), number)
            self.assertEqual(receiver_results(self.pg, row["id"]), ["PENDING"], number)
            self.assertEqual(row["sync_attempts"], 1, number)
            self.assertTrue(row["sync_later"], "%s: next poll scheduled" % number)
            self.assertIn("wechatpay query_order", row["last_error"])
            self.assertEqual(op_summary([by_number[number]]), [("query_order", False)])
            self.assertEqual(by_number[number]["error_code"], reason)
            self.assertIn(str(row["id"]), last["message"])
        self.assertEqual(sorted(op_summary(ops)),
                         sorted([("query_order", True)] * len(TRANSIENT) +
                                [("query_order", False)] * len(UNTRUSTED)))
        self.wait_for(lambda: self.warning_events("RunPartiallyFailed"), 15,
                      "a RunPartiallyFailed event")

    def faults_for(self, tag, faults):
        for f in faults:
            f = dict(f)
            self.mock.fault(f.pop("kind"), method="GET", path="%s/P-%s" % (ORDERS, tag), **f)

    def check_converges(self, tags):
        self.mock.clear_faults()
        let_time_pass(self.pg)
        obj, last, ops = self.run_task("sync", "clean")
        self.assertOutcome(last, "Succeeded", selected=len(UNTRUSTED), finished=len(UNTRUSTED),
                           failed=0)
        for tag in tags:
            self.assertFinished("P-" + tag)
        self.assertEqual(op_summary(ops), [("query_order", True)] * len(UNTRUSTED))
        self.assertEqual(obj["status"]["tasks"]["sync"].get("consecutiveFailures", 0), 0)
        self.assertCondition(obj, "RunFailing", "False")
        self.assertCondition(obj, "Running", "False")

    def check_rotation(self):
        """WeChat Pay signs with a new platform certificate (the old one still listed): the
        client meets an unknown serial, fetches /v3/certificates once, trusts the answer, and
        names the new serial from then on."""
        old = self.mock.state()["certificates"][-1]["serial_no"]
        new = self.mock.rotate_certificate()["certificates"][-1]["serial_no"]
        self.assertNotEqual(old, new)
        first = self.processing_order("R01", "4200003101")
        second = self.processing_order("R02", "4200003102")
        mark = self.mock.last_seq()
        _, last, _ = self.run_task("sync", "rotated")
        self.assertOutcome(last, "Succeeded", selected=2, finished=2, failed=0)
        self.assertFinished(first)
        self.assertFinished(second)
        seen = self.mock.requests_since(mark)
        paths = [r["target"].split("?")[0] for r in seen]
        self.assertEqual(paths.count(CERTIFICATES), 1, paths)
        after = seen[paths.index(CERTIFICATES) + 1:]
        self.assertTrue(after, paths)
        self.assertEqual({r["wechatpay_serial"] for r in after}, {new}, after)


if __name__ == "__main__":
    require_binaries()
    unittest.main(verbosity=2)
