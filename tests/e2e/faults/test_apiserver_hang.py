"""End to end, issue 8: API server requests that hang while run-now tokens are handled.
Status writes that hang 2 s and Lease updates that hang 0.5 s are slow but harmless: every token
runs exactly once, leadership stays. Lease requests that hang longer than the renew deadline
take leadership away: the leader must cancel its run and exit before the follower acquires the
Lease (its last commit and its "run finished" precede the new acquireTime), the token it was
running is not run again, and the next token finishes the backlog, so every row transitioned
exactly once with one audit row (api.md section 3, jobs.md "Common rules").

Run: /usr/bin/python3 tests/e2e/faults/test_apiserver_hang.py  (ORDEROPS_BIN_DIR=build/bin)"""

import sys
import unittest

from faults_support import ROWS, AdminFaults, PolicyUnderFault
from orderops_e2e import E2ETestCase
from orderops_e2e.binaries import require
from test_failover import rfc3339_micro

BACKLOG = 20000  # the run the hanging Lease cuts (2 ms a row: 40 s if it were not cut)


class ApiServerHangTest(AdminFaults, E2ETestCase):
    environment_name = "faults-hang"

    def test_hanging_requests(self):
        """Status writes that hang 2 s, and Lease updates that hang 0.5 s (well within the
        per-call timeout of renew deadline / 2): slow, but the tokens run once and leadership
        stays. Then every Lease request hangs longer than the renew deadline: the leader must
        stop its run and exit before the follower takes the Lease, the token it was running is
        not run again, and the next token finishes the backlog exactly once."""
        p = PolicyUnderFault(self, "hanging", batchSize=100, parallelism=1)
        status = self.status_path(p)
        p.run_round("status-hang", ROWS, before=self.fault(
            method="PUT", pathPrefix=status, count=2, hangMilliseconds=2000))
        self.faults_met()
        p.run_round("lease-short-hang", ROWS, before=self.fault(
            method="PUT", pathPrefix=self.lease_path(p), count=3, hangMilliseconds=500))
        self.faults_met()
        p.check_managers_up()

        # A run kept mid-run (slow rows) when the Lease stops answering in time.
        old, (new,) = p.leader, p.followers
        p.slow_rows(2)
        p.seed_round("long-hang", BACKLOG)
        p.annotate("long-hang")
        obj = p.wait(lambda o: o["status"].get("active"), 30, "the run to be active")
        cut_run = obj["status"]["active"]["runID"]
        self.admin("POST", "/faults", {"pathPrefix": self.lease_path(p), "count": 6,
                                       "hangMilliseconds": 4000})
        self.addCleanup(self.admin, "DELETE", "/faults")
        self.assertEqual(old.wait(30), 1, "a leader that lost its lease exits 1")
        stopped = old.log_messages("stopped leading")
        self.assertEqual([(e["end"], e["work_stopped"]) for e in stopped], [("lost", True)])
        finished = [e for e in old.log_messages("run finished") if e["runID"] == cut_run]
        self.assertEqual([e["outcome"] for e in finished], ["Cancelled"], finished)
        self.env.leader([new], timeout=60)
        self.admin("DELETE", "/faults")
        p.leader = new
        # Clean hand-over: the old run had stopped, and its last commit was in, before the new
        # leader acquired the Lease.
        acquired = rfc3339_micro(self.env.kubectl.get(
            "lease", p.lease.name, p.lease.namespace)["spec"]["acquireTime"])
        self.assertLess(rfc3339_micro(finished[0]["ts"]), acquired)
        last_commit = p.sql("SELECT extract(epoch FROM max(create_time)) "
                            "FROM order_aftersales_logs")[0][0]
        self.assertLess(float(last_commit), acquired)

        # The cut run is over for good: the new leader clears it without running the token
        # again; what it committed is final and attributed to it.
        p.wait(lambda o: not o["status"].get("active") and
               o["status"].get("lastHandledRunNow") == "long-hang", 30,
               "the new leader to clear the cut run")
        cut_rows = p.audit_rows_by_run().get(cut_run, 0)
        self.assertLess(cut_rows, BACKLOG)
        self.assertEqual(len(p.run_started_logs(cut_run)), 1, "the cut token ran once")
        sys.stderr.write("hanging Lease: %d of %d rows done by the run before the leader "
                         "gave up\n" % (cut_rows, BACKLOG))
        del p.rounds["long-hang"]
        p.slow_rows(0)
        # The next token does the rest (and one fresh round).
        p.seed_round("after-hang", ROWS)
        p.rounds["after-hang"] += BACKLOG - cut_rows
        p.annotate("after-hang")
        p.wait_round("after-hang", timeout=90)
        p.check_converged(extra_runs={cut_run: cut_rows})
        self.assertTrue(new.running())
        self.assertEqual(new.is_leader_metric(), 1)



if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
