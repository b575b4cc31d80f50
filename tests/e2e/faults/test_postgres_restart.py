"""End to end, issue 8: PostgreSQL goes down in the middle of an after-sales run and comes back
(the same cluster on the same port). Invariants (api.md section 2, jobs.md "Common rules"):
the run ends as a failure instead of pretending success; every row it changed has exactly one
audit row written in the same transaction, and no row changed without one; while the database is
down the policy says Ready=False/DatabaseUnavailable (retried: Stalled stays False) with a
Warning event; once it is back Ready=True returns by itself; the next token finishes the backlog,
so in the end every overdue row transitioned exactly once. The manager stays up throughout.

Run: /usr/bin/python3 tests/e2e/faults/test_postgres_restart.py  (ORDEROPS_BIN_DIR=build/bin)"""

import sys
import unittest

from faults_support import PolicyUnderFault, condition, condition_is, events, last_run
from orderops_e2e import E2ETestCase
from orderops_e2e.binaries import require

BACKLOG = 10000  # 1 ms a row over two workers: ~5 s, so the outage meets the run mid-way
STARTED_ROWS = 1000


class PostgresRestartTest(E2ETestCase):
    environment_name = "faults-postgres"

    def test_database_restarted_mid_run(self):
        p = PolicyUnderFault(self, "pg_restart", replicas=1, batchSize=200, parallelism=2)
        pg = self.env.postgres

        # A run well under way when the database goes.
        p.slow_rows(1)
        p.seed_round("cut", BACKLOG)
        p.annotate("cut")
        obj = p.wait(lambda o: o["status"].get("active"), 30, "the run to be active")
        cut_run = obj["status"]["active"]["runID"]
        self.wait_for(lambda: sum(p.audit_rows_by_run().values()) >= STARTED_ROWS, 60,
                      "%d rows committed" % STARTED_ROWS, interval=0.05)
        pg_up = [True]
        self.addCleanup(lambda: None if pg_up[0] else pg.start_server())
        pg.stop_server()
        pg_up[0] = False

        # During the outage: the run failed, Ready=False/DatabaseUnavailable, not Stalled.
        obj = p.wait(lambda o: (last_run(o) or {}).get("runID") == cut_run and
                     last_run(o).get("completionTime") and not o["status"].get("active") and
                     condition_is(o, "Ready", "False", "DatabaseUnavailable"), 60,
                     "the cut run to fail and Ready=False/DatabaseUnavailable")
        run = last_run(obj)
        self.assertEqual(run["outcome"], "Failed", run)
        self.assertTrue(condition_is(obj, "Stalled", "False"), condition(obj, "Stalled"))
        self.assertTrue(condition_is(obj, "Running", "False"), condition(obj, "Running"))
        self.assertEqual(obj["status"]["lastHandledRunNow"], "cut")
        reasons = {e.get("reason") for e in events(self.env, p.ns, p.name)}
        self.assertIn("RunFailed", reasons)
        self.assertIn("DatabaseUnavailable", reasons)
        self.assertTrue(p.leader.running(), "the manager survives the outage")

        pg.start_server()
        pg_up[0] = True
        obj = p.wait(lambda o: condition_is(o, "Ready", "True"), 60,
                     "Ready=True once the database is back")
        self.assertFalse(obj["status"].get("active"))

        # What the cut run committed is final: each changed row has exactly one audit row, of
        # that run, and no row changed without one (same transaction).
        done = p.audit_rows_by_run().get(cut_run, 0)
        changed = p.sql("SELECT count(*) FROM order_aftersales WHERE state NOT IN "
                        "('pending_approval', 'pending_return', 'pending_receive')")[0][0]
        self.assertEqual(changed, done)
        self.assertGreaterEqual(done, STARTED_ROWS)
        self.assertLess(done, BACKLOG, "the run finished before the database went")
        # The status counts only batches whose commit was confirmed: at most the batches in
        # flight (one per worker) may have committed without the run hearing of it.
        c = run["counts"]
        counted = c.get("approved", 0) + c.get("cancelled", 0) + c.get("received", 0)
        self.assertLessEqual(counted, done, run)
        self.assertGreaterEqual(counted, done - 2 * 200, run)
        sys.stderr.write("postgres restart: %d of %d rows committed before the outage, %d "
                         "counted by the run\n" % (done, BACKLOG, counted))

        # A new token finishes the rest, exactly once.
        p.slow_rows(0)
        del p.rounds["cut"]
        p.rounds["after"] = BACKLOG - done
        p.annotate("after")
        p.wait_round("after", timeout=120)
        p.check_converged(extra_runs={cut_run: done})
        self.assertTrue(p.leader.running())
        self.assertEqual(len(p.run_started_logs(cut_run)), 1)


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
