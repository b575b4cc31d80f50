"""Fault injection, WeChat Pay side (issue 8): the calls that move money, POST
/v3/profitsharing/orders (the retry task) and POST /v3/profitsharing/orders/unfreeze (the unfreeze
task), plus the amounts query both make first, failing in each documented way on the real
manager: 500 SYSTEM_ERROR, 503, 202, 429 in its three spellings, the connection dropped after
WeChat Pay committed, an answer without signature, a bad signature, a terminal 400 refusal.

Invariants (jobs.md section 3, reference section 6), checked in the mock's ledger, the database,
the operation log and the resource:
- an ambiguous failure is retried with the identical body and the same out_order_no, never a new
  number; the intent row exists before the call, so a call that never got an answer is finished
  by sync (the committed order is found, the lost one is sent again under the same number);
- a terminal refusal closes only that attempt; the next retry run uses the next number;
- an untrusted answer leads to nothing (no intent, no call);
- every receiver is paid exactly once and every unfreeze releases the rest exactly once;
- the run reports the failure (PartiallyFailed, the item named, UnfreezeFailing, an event) and
  the status converges once the faults stop; the managers stay up and leak no secret.

Run: ORDEROPS_BIN_DIR=build/bin /usr/bin/python3 tests/e2e/wechatpay_faults/test_order_calls.py"""

import unittest

from wxf_support import (AMOUNTS, ORDERS, RECEIVER, UNFREEZE, FaultSuite, insert_order,
                         insert_receiver, let_time_pass, mock_orders, mock_receiver, op_summary,
                         operations, order_row, payouts, receiver_results, require_binaries)

REQUEST, AMOUNT, UNFREEZE_OP = "request_order", "query_remaining_amount", "unfreeze_order"
# The client makes 3 attempts. When the server closes a reused keep-alive connection without
# answering, cpprestsdk itself sends the request once more on a new connection (its stale-pool
# recovery, was_reused_and_closed_by_server), so each dropped attempt can reach WeChat Pay
# twice: same bytes, same number, harmless by out_order_no idempotency.
DROPPED_ATTEMPTS = range(3, 7)


class OrderCallFaultsTest(FaultSuite):
    environment_name = "wxf-orders"
    NS = "shop-wxf-orders"
    NAME = "merchant-wxf-orders"
    spec_overrides = {"unfreeze": {"force": True}}

    def setUp(self):
        self.pg = self.env.postgres
        self.retries = {}    # scenario -> (transaction, out_order_no that must be paid)
        self.unfreezes = {}  # scenario -> (transaction, parent out_order_no, child out_order_no)

    def test_order_calls_under_faults(self):
        with self.subTest("unfreeze"):
            self.unfreeze_dropped_after_commit()
            self.unfreeze_503_then_429()
        with self.subTest("retry create"):
            self.create_500_then_202()
            self.create_429_spellings()
            self.create_dropped_once_after_commit()
            self.create_dropped_after_commit_every_time()
            self.create_never_arrives()
            self.create_answered_unsigned()
            self.create_committed_then_500()
            self.create_refused()
            self.amounts_badly_signed()
        with self.subTest("heal and converge"):
            self.heal()
            self.check_converged()

    # seeding --------------------------------------------------------------------------------------
    def closed_receiver(self, tag, tx):
        """A FINISHED split whose one receiver CLOSED with a retryable reason; the transaction
        exists at the mock with 1000 fen unsplit. Returns (receiver id, first retry's number)."""
        self.mock.transaction(tx, 1000)
        order = insert_order(self.pg, tx, "P-" + tag, state="FINISHED")
        rid = insert_receiver(self.pg, order, result="CLOSED", fail_reason="ACCOUNT_ABNORMAL")
        self.retries[tag] = (tx, "P-%s-R%d-1" % (tag, rid))
        return rid, "P-%s-R%d-1" % (tag, rid)

    def finished_split(self, tag, tx):
        """A FINISHED split of 100 out of 1000 fen: 900 fen are left to unfreeze."""
        self.mock.transaction(tx, 1000)
        self.mock.order(tx, "P-" + tag, [mock_receiver(amount=100)], state="FINISHED")
        order = insert_order(self.pg, tx, "P-" + tag, state="FINISHED")
        insert_receiver(self.pg, order, result="SUCCESS")
        self.unfreezes[tag] = (tx, "P-" + tag, "P-%s-U1" % tag)
        return "P-%s-U1" % tag

    def posts(self, mark, path=ORDERS):
        return [r for r in self.mock.requests_since(mark, "POST", path)
                if path == UNFREEZE or not r["target"].startswith(UNFREEZE)]

    # unfreeze -------------------------------------------------------------------------------------
    def unfreeze_dropped_after_commit(self):
        """WeChat Pay unfreezes, then every answer is lost: the run fails that order and says
        so (UnfreezeFailing, RunPartiallyFailed), the UNFREEZE child stays PROCESSING with its
        number, and all three attempts sent the identical body."""
        child = self.finished_split("U1", "4200002001")
        self.faults({"kind": "drop", "count": -1, "method": "POST", "path": UNFREEZE})
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("unfreeze", "u1")
        self.assertOutcome(last, "PartiallyFailed", selected=1, unfrozen=0, failed=1)
        self.assertIn(str(order_row(self.pg, "P-U1")["id"]), last["message"])
        sent = self.posts(mark, UNFREEZE)
        self.assertIn(len(sent), DROPPED_ATTEMPTS, sent)
        self.assertSameBody(sent, len(sent))
        self.assertEqual([(r["status"], r.get("committed_status")) for r in sent],
                         [(0, 200)] * len(sent), sent)
        row = order_row(self.pg, child)
        self.assertEqual((row["kind"], row["state"], row["order_id"]),
                         ("UNFREEZE", "PROCESSING", ""))
        self.assertFalse(order_row(self.pg, "P-U1")["unfrozen"])
        self.assertEqual(len(mock_orders(self.mock, "4200002001")), 2)  # the split + the unfreeze
        self.assertEqual(op_summary(ops), [(AMOUNT, True), (UNFREEZE_OP, False)])
        self.assertIn(ops[-1]["error_code"], ("NETWORK", "TIMEOUT"), ops[-1])
        self.assertEqual(ops[-1]["request"].get("out_order_no"), child)
        self.assertCondition(obj, "UnfreezeFailing", "True", "UnfreezeErrors")
        self.wait_for(lambda: self.warning_events("RunPartiallyFailed"), 15,
                      "a RunPartiallyFailed event")

    def unfreeze_503_then_429(self):
        """503, then 429 FREQUENCY_LIMITED, then an answer: the third attempt carries the same
        body, the rate-limited one waited at least 1 s, and the task is healthy again."""
        child = self.finished_split("U2", "4200002002")
        self.faults({"kind": "503", "method": "POST", "path": UNFREEZE},
                    {"kind": "429", "code": "FREQUENCY_LIMITED", "method": "POST",
                     "path": UNFREEZE})
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("unfreeze", "u2")
        self.assertOutcome(last, "Succeeded", selected=1, unfrozen=1, failed=0)
        sent = self.posts(mark, UNFREEZE)
        self.assertSameBody(sent, 3)
        self.assertEqual([r["status"] for r in sent], [503, 429, 200])
        self.assertEqual(op_summary(ops), [(AMOUNT, True), (UNFREEZE_OP, True)])
        self.assertGreaterEqual(ops[-1]["duration_ms"], 1000, "429 must back off >= 1 s")
        self.assertEqual(order_row(self.pg, child)["state"], "PROCESSING")  # WeChat's answer
        self.assertCondition(obj, "UnfreezeFailing", "False", "UnfreezeHealthy")

    # retry: create --------------------------------------------------------------------------------
    def retry_create(self, tag, tx, faults, token):
        rid, number = self.closed_receiver(tag, tx)
        self.faults(*[dict(f, method="POST", path=ORDERS) for f in faults])
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("retry", token)
        return rid, number, mark, obj, last, ops

    def assertResubmitted(self, number, last, ops, mark, statuses):
        """Answered in the end: one intent, one number, the same body every attempt."""
        self.assertOutcome(last, "Succeeded", resubmitted=1, failed=0)
        sent = self.posts(mark)
        self.assertSameBody(sent, len(statuses))
        self.assertEqual([r["status"] for r in sent], statuses, sent)
        self.assertEqual(op_summary(ops), [(AMOUNT, True), (REQUEST, True)])
        self.assertEqual(ops[-1]["request"].get("out_order_no"), number)
        row = order_row(self.pg, number)
        self.assertEqual(row["kind"], "RETRY")
        # The stored order a resend returns may already be FINISHED (the mock's delay is 0).
        self.assertIn(row["state"], ("PROCESSING", "FINISHED"))
        self.assertNotEqual(row["order_id"], "", "the answer was stored")
        return sent

    def assertUnanswered(self, number, last, ops, mark, attempts, code):
        """No answer could be trusted: the receiver is named as failed, the RETRY intent stays
        PROCESSING without WeChat's order id (sync finds out), the identical body was sent."""
        self.assertOutcome(last, "PartiallyFailed", resubmitted=0, failed=1)
        sent = self.posts(mark)
        self.assertSameBody(sent, attempts if isinstance(attempts, int) else len(sent))
        if not isinstance(attempts, int):
            self.assertIn(len(sent), attempts, sent)
        self.assertEqual(op_summary(ops), [(AMOUNT, True), (REQUEST, False)])
        self.assertIn(ops[-1]["error_code"], code, ops[-1])
        self.assertEqual(ops[-1]["request"].get("out_order_no"), number)
        row = order_row(self.pg, number)
        self.assertEqual((row["kind"], row["state"], row["order_id"]), ("RETRY", "PROCESSING", ""))
        return sent

    def create_500_then_202(self):
        """500 SYSTEM_ERROR then 202 (accepted, not processed): both retried as the same
        request; one order at the mock."""
        _, number, mark, _, last, ops = self.retry_create(
            "R1", "4200002101", [{"kind": "500"}, {"kind": "202"}], "r1")
        self.assertResubmitted(number, last, ops, mark, [500, 202, 200])
        self.assertEqual([o["out_order_no"] for o in mock_orders(self.mock, "4200002101")],
                         [number])

    def create_429_spellings(self):
        """429 RATELIMIT_EXCEED, then RATELIMIT_EXCEEDED, then (next receiver) FREQUENCY_LIMITED:
        classified by status, each waits >= 1 s, the same body."""
        _, number, mark, _, last, ops = self.retry_create(
            "R2", "4200002102", [{"kind": "429"}, {"kind": "429", "code": "RATELIMIT_EXCEEDED"}],
            "r2")
        sent = self.assertResubmitted(number, last, ops, mark, [429, 429, 200])
        self.assertEqual([r.get("code") for r in sent[:2]], ["RATELIMIT_EXCEED",
                                                            "RATELIMIT_EXCEEDED"])
        self.assertGreaterEqual(ops[-1]["duration_ms"], 2000, "two 429s: >= 1 s each")
        _, number, mark, _, last, ops = self.retry_create(
            "R2B", "4200002112", [{"kind": "429", "code": "FREQUENCY_LIMITED"}], "r2b")
        self.assertResubmitted(number, last, ops, mark, [429, 200])
        self.assertGreaterEqual(ops[-1]["duration_ms"], 1000, "429: >= 1 s")

    def create_dropped_once_after_commit(self):
        """The order is created, the answer lost once: the resend of the same number and body
        returns the stored order; WeChat Pay holds one order, not two."""
        _, number, mark, _, last, ops = self.retry_create(
            "R3", "4200002103", [{"kind": "drop"}], "r3")
        sent = self.assertResubmitted(number, last, ops, mark, [0, 200])
        self.assertEqual(sent[0].get("committed_status"), 200, sent)
        self.assertEqual([o["out_order_no"] for o in mock_orders(self.mock, "4200002103")],
                         [number])

    def create_dropped_after_commit_every_time(self):
        """Created, every answer lost: failed in this run, one order at the mock, sync later
        finds it under the recorded number (checked in heal)."""
        _, number, mark, _, last, ops = self.retry_create(
            "R4", "4200002104", [{"kind": "drop", "count": -1}], "r4")
        self.assertUnanswered(number, last, ops, mark, DROPPED_ATTEMPTS, ("NETWORK", "TIMEOUT"))
        self.assertEqual([o["out_order_no"] for o in mock_orders(self.mock, "4200002104")],
                         [number])

    def create_never_arrives(self):
        """500 before WeChat Pay processes it, every attempt: nothing exists at the mock; sync
        later gets RESOURCE_NOT_EXISTS and sends the same create again (checked in heal)."""
        _, number, mark, _, last, ops = self.retry_create(
            "R5", "4200002105", [{"kind": "500", "count": -1}], "r5")
        self.assertUnanswered(number, last, ops, mark, 3, ("SYSTEM_ERROR",))
        self.assertEqual(mock_orders(self.mock, "4200002105"), [])
        self.retry_body_r5 = self.posts(mark)[0]["body_sha1"]

    def create_answered_unsigned(self):
        """Created, but every 200 comes without Wechatpay-* headers: forged-looking answers
        are not trusted (nothing stored from them) and not taken as a refusal either."""
        _, number, mark, _, last, ops = self.retry_create(
            "R6", "4200002106", [{"kind": "unsigned", "count": -1}], "r6")
        sent = self.assertUnanswered(number, last, ops, mark, 3, ("RESPONSE_UNSIGNED",))
        self.assertEqual([r["status"] for r in sent], [200] * 3)
        self.assertEqual(len(mock_orders(self.mock, "4200002106")), 1)

    def create_committed_then_500(self):
        """WeChat Pay creates the order but answers 500 SYSTEM_ERROR every time: ambiguous, so
        not closed; one order at the mock under the recorded number, found by sync later."""
        _, number, mark, _, last, ops = self.retry_create(
            "R8", "4200002109", [{"kind": "500", "count": -1, "after_commit": True}], "r8")
        sent = self.assertUnanswered(number, last, ops, mark, 3, ("SYSTEM_ERROR",))
        self.assertEqual([r.get("committed_status") for r in sent], [200] * 3)
        self.assertEqual([o["out_order_no"] for o in mock_orders(self.mock, "4200002109")],
                         [number])

    def create_refused(self):
        """400 PARAM_ERROR is terminal: one attempt only, that RETRY order CLOSED with the
        reason, nothing at the mock; the next retry run sends attempt 2 (checked in heal)."""
        rid, number, mark, _, last, ops = self.retry_create(
            "R7", "4200002107", [{"kind": "error", "status": 400, "code": "PARAM_ERROR"}], "r7")
        self.assertOutcome(last, "PartiallyFailed", resubmitted=0, failed=1)
        self.assertIn(str(rid), last["message"])
        self.assertSameBody(self.posts(mark), 1)
        self.assertEqual(op_summary(ops), [(AMOUNT, True), (REQUEST, False)])
        self.assertEqual(ops[-1]["error_code"], "PARAM_ERROR")
        row = order_row(self.pg, number)
        self.assertEqual((row["state"], row["order_id"]), ("CLOSED", ""))
        self.assertIn("PARAM_ERROR", row["last_error"])
        self.assertEqual(mock_orders(self.mock, "4200002107"), [])
        self.refused_number = number
        self.retries["R7"] = ("4200002107", "P-R7-R%d-2" % rid)

    def amounts_badly_signed(self):
        """The unsplit-amount answer carries a bad signature every time: not trusted, so no
        intent is recorded and no create is sent; the receiver is retried by a later run."""
        rid, number = self.closed_receiver("A1", "4200002108")
        self.faults({"kind": "bad_signature", "count": -1, "method": "GET", "path": AMOUNTS})
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("retry", "a1")
        self.assertOutcome(last, "PartiallyFailed", resubmitted=0, failed=1)
        # R4, R5, R6, R8, R7 and this one: six partly failed retry runs in a row (threshold 3).
        self.assertEqual(obj["status"]["tasks"]["retry"]["consecutiveFailures"], 6)
        self.assertCondition(obj, "RunFailing", "True", "ConsecutiveFailures")
        self.assertIn(str(rid), last["message"])
        self.assertEqual(self.posts(mark), [])
        self.assertEqual(len(self.mock.requests_since(mark, "GET", AMOUNTS)), 3)
        self.assertEqual(op_summary(ops), [(AMOUNT, False)])
        self.assertEqual(ops[0]["error_code"], "RESPONSE_SIGNATURE_INVALID")
        self.assertIsNone(order_row(self.pg, number))

    # healing --------------------------------------------------------------------------------------
    def heal(self):
        """Faults off. sync finds the committed orders, sends the lost create again under its
        number, finishes the unfreezes; a retry run sends attempt 2 of the refused receiver and
        the one whose amounts were untrusted; a last sync finishes everything."""
        self.mock.clear_faults()
        let_time_pass(self.pg)
        mark = self.mock.last_seq()
        _, last, ops = self.run_task("sync", "heal-1")
        self.assertOutcome(last, "Succeeded", failed=0)
        resent = self.posts(mark)
        self.assertEqual([r["body_sha1"] for r in resent], [self.retry_body_r5],
                         "only the create that never arrived is sent again, same body")
        self.assertEqual(order_row(self.pg, self.retries["R5"][1])["state"], "PROCESSING")
        for tag in ("R1", "R2", "R2B", "R3", "R4", "R6", "R8"):
            self.assertEqual(order_row(self.pg, self.retries[tag][1])["state"], "FINISHED", tag)
        let_time_pass(self.pg)
        _, last, _ = self.run_task("retry", "heal-2")
        self.assertOutcome(last, "Succeeded", resubmitted=2, failed=0)
        let_time_pass(self.pg)
        _, last, _ = self.run_task("sync", "heal-3")
        self.assertOutcome(last, "Succeeded", failed=0)

    def check_converged(self):
        pg, mock = self.pg, self.mock
        for tag, (tx, number) in sorted(self.retries.items()):
            self.assertEqual(payouts(mock, tx), [(number, RECEIVER, 100, "split")], tag)
            self.assertEqual([o["out_order_no"] for o in mock_orders(mock, tx)], [number], tag)
            row = order_row(pg, number)
            self.assertEqual((row["kind"], row["state"]), ("RETRY", "FINISHED"), tag)
            self.assertEqual(receiver_results(pg, row["id"]), ["SUCCESS"], tag)
        for tag, (tx, parent, child) in sorted(self.unfreezes.items()):
            released = [p for p in payouts(mock, tx) if p[3] == "unfreeze"]
            self.assertEqual(released, [(child, mock.mch_id, 900, "unfreeze")], tag)
            self.assertEqual(order_row(pg, child)["state"], "FINISHED", tag)
            self.assertTrue(order_row(pg, parent)["unfrozen"], tag)
        self.assertPaidAtMostOnce()
        self.assertEqual(pg.query("SELECT count(*) FROM wechat_pay_profit_share_order "
                                  "WHERE state = 'PROCESSING'")[0][0], 0)
        self.assertEqual(pg.query(
            "SELECT out_order_no FROM wechat_pay_profit_share_order WHERE state = 'CLOSED'"),
            [(self.refused_number,)])
        # The audit trail: every create/unfreeze sent names an order recorded before it, and
        # every child order was sent at least once.
        sent = {o["request"].get("out_order_no") for o in operations(pg)
                if o["type"] in (REQUEST, UNFREEZE_OP)}
        children = {r[0] for r in pg.query("SELECT out_order_no FROM "
                                           "wechat_pay_profit_share_order WHERE kind <> 'SPLIT'")}
        self.assertEqual(sent, children)
        obj = self.env.kubectl.get("profitshareschedules.orderops.io", self.NAME, self.NS)
        self.assertCondition(obj, "RetryExhausted", "False")
        self.assertCondition(obj, "RunFailing", "False", "RunsSucceeding")
        self.assertCondition(obj, "UnfreezeFailing", "False")
        self.assertCondition(obj, "Running", "False")
        self.assertCondition(obj, "Ready", "True")
        self.assertHealthy()
        self.assertNoSecrets()


if __name__ == "__main__":
    require_binaries()
    unittest.main(verbosity=2)
