"""End to end (issue 8, api.md section 3): an AftersalesTimeoutPolicy deleted while its run is in
the middle of a backlog. The run is held inside a batch (the audit table is locked from outside,
after some batches have committed), the policy is deleted, and:
- the run ends as Cancelled within seconds, although its statement is still waiting on the lock
  (the manager cancels it in PostgreSQL);
- nothing is half-applied: every changed row has exactly one audit row, and no other row changed;
- the manager stays up and healthy (its status writes to the deleted object are not fatal);
- a new policy with the same name (and even the same run-now token) starts from a fresh status
  and finishes the backlog: every row changed exactly once overall.

Run: /usr/bin/python3 tests/e2e/bad_input/test_deleted_mid_run.py  (ORDEROPS_BIN_DIR=build/bin)"""

import time
import unittest

from bad_input_support import ATP, RUN_NOW, policy, wait_resource
from orderops_e2e import E2ETestCase, wait_for
from orderops_e2e.binaries import require

NS = "bad-delete"
NAME = "victim"
ROWS = 20000


class DeletedMidRunTest(E2ETestCase):
    environment_name = "bad-input-delete"

    def audit_consistency(self):
        """(changed rows, audit rows, rows whose audit count is not what their state says)."""
        pg = self.env.postgres
        changed = pg.query("SELECT count(*) FROM order_aftersales WHERE state <> "
                           "'pending_approval'")[0][0]
        audits = pg.query("SELECT count(*) FROM order_aftersales_logs")[0][0]
        wrong = pg.query(
            "SELECT a.id, a.state, count(l.id) FROM order_aftersales a LEFT JOIN "
            "order_aftersales_logs l ON l.aftersales_id = a.id GROUP BY a.id, a.state HAVING "
            "count(l.id) <> CASE WHEN a.state = 'approved' THEN 1 ELSE 0 END OR "
            "a.state NOT IN ('approved', 'pending_approval') LIMIT 5")
        return changed, audits, wrong

    def cancelled_runs(self, manager):
        return [e for e in manager.log_messages("run finished")
                if e.get("name") == NAME and e.get("outcome") == "Cancelled"]

    def test_delete_mid_run_then_recreate(self):
        env, pg = self.env, self.env.postgres
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": pg.url})
        pg.execute(
            "INSERT INTO order_aftersales (id, type, reference_number, state, stage, "
            "auto_process_time, refund_amount, create_time, update_time) SELECT g, "
            "'return_refund', 'AS-DEL-' || g, 'pending_approval', 'apply', "
            "now() - interval '1 day', 1.00, now(), now() FROM generate_series(1, %s) g",
            (ROWS,))
        manager = env.start_manager("manager", lease=None)
        victim = policy(NAME, NS, batchSize=10, parallelism=1)
        victim["metadata"]["annotations"] = {RUN_NOW: "go-1"}
        env.kubectl.apply(victim)

        # Some batches committed: then hold the next one inside its transaction.
        wait_for(lambda: self.audit_consistency()[0] > 0, 30, "the first batches to commit",
                 interval=0.05)
        blocker = pg.connect()
        blocker.autocommit = False
        try:
            with blocker.cursor() as cur:
                cur.execute("LOCK TABLE order_aftersales_logs IN SHARE MODE")
            held = self.audit_consistency()[0]
            time.sleep(1.0)
            self.assertEqual(self.audit_consistency()[0], held, "the run is held in a batch")
            self.assertLess(held, ROWS)
            obj = env.kubectl.get(ATP, NAME, NS)
            self.assertTrue(obj["status"].get("active"), "the run is active when deleted")

            deleted_at = time.monotonic()
            env.kubectl.run("delete", ATP, NAME, "-n", NS)
            wait_for(lambda: self.cancelled_runs(manager), 20,
                     "the run of the deleted policy to end as Cancelled (lock still held)")
            print("run cancelled %.1fs after the delete" % (time.monotonic() - deleted_at))
        finally:
            blocker.rollback()
            blocker.close()

        time.sleep(1.0)  # anything still in flight would show now
        changed, audits, wrong = self.audit_consistency()
        self.assertEqual(wrong, [], "rows changed without (or with repeated) audit rows")
        self.assertEqual(changed, audits)
        self.assertEqual(changed, held, "nothing changed after the run was held and cancelled")
        self.assertTrue(manager.running(), "deleting a policy mid-run must not crash the manager")
        self.assertTrue(manager.healthy())
        self.assertIsNone(env.kubectl.get(ATP, NAME, NS, check=False))

        # Same name, same token: a new object with a fresh status, so the token runs again.
        fresh = policy(NAME, NS, batchSize=1000)
        fresh["metadata"]["annotations"] = {RUN_NOW: "go-1"}
        env.kubectl.apply(fresh)
        obj = wait_resource(env, ATP, NS, NAME,
                            lambda o: (o["status"].get("lastRun") or {}).get("outcome")
                            == "Succeeded", 90, "the new policy's run to succeed")
        last = obj["status"]["lastRun"]
        self.assertEqual(last["trigger"], "Manual")
        self.assertEqual(last["counts"]["selected"], ROWS - held, last)
        self.assertEqual(len(obj["status"].get("recentRuns") or []), 1,
                         "no run of the deleted object in the new one's history")
        changed, audits, wrong = self.audit_consistency()
        self.assertEqual((changed, audits, wrong), (ROWS, ROWS, []))
        self.assertTrue(manager.running())


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
