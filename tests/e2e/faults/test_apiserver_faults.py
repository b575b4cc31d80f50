"""End to end, issue 8: the API server misbehaves while run-now tokens are being handled.
Watches dropped (clean end, cut connection, 410 ERROR event), history compacted so re-watches get
410 and the informers must relist, 409/429/500 on status writes, Lease updates and event posts
(requests that hang: test_apiserver_hang.py). Throughout, the invariants of api.md sections 3
and 4 and jobs.md "Common rules" hold: every token runs exactly once (one "run started" over all
replicas, one runID in the audit log with exactly its round's rows), nothing is lost or applied
twice, status converges to the database, the managers stay up and the leader keeps its Lease.

Run: /usr/bin/python3 tests/e2e/faults/test_apiserver_faults.py  (ORDEROPS_BIN_DIR=build/bin)"""

import unittest

from faults_support import ROWS, AdminFaults, PolicyUnderFault
from orderops_e2e import E2ETestCase
from orderops_e2e.binaries import require


class ApiServerFaultsTest(AdminFaults, E2ETestCase):
    environment_name = "faults-apiserver"

    def test_dropped_watches_and_compaction_lose_no_token(self):
        """Watches ended cleanly, cut mid-stream, or ended with a 410 ERROR event, and history
        compacted so the re-watch from the last seen version gets 410 Expired: the informers
        resume or relist, and each token annotated just before the drop runs exactly once."""
        p = PolicyUnderFault(self, "watches")
        opened = lambda: self.admin("GET", "/state")["watches"]  # noqa: E731
        self.wait_for(lambda: opened() > 0, 10, "the managers' watches")

        def drop(mode, compact=False):
            def go():
                if compact:
                    self.admin("POST", "/compact", {})
                self.admin("POST", "/watches/drop", {"mode": mode})
            return go

        p.run_round("clean", ROWS, after=drop("clean"))
        p.run_round("abort", ROWS, after=drop("abort"))
        p.run_round("expired", ROWS, after=drop("expired"))
        # Compacted first: every watch resumes from a version the server has forgotten.
        p.run_round("compacted-clean", ROWS, after=drop("clean", compact=True))
        p.run_round("compacted-abort", ROWS, after=drop("abort", compact=True))
        # A token annotated while no watch is open at all (dropped right before) still runs.
        self.admin("POST", "/compact", {})
        self.admin("POST", "/watches/drop", {"mode": "abort"})
        p.run_round("between-watches", ROWS)
        # The informers re-opened their watches and still see changes.
        self.wait_for(lambda: opened() > 0, 30, "the managers to watch again")
        p.run_round("after", ROWS)
        p.check_converged()
        p.check_managers_up()

    def test_status_lease_and_event_errors_are_retried(self):
        """409 Conflict, 429 Too Many Requests (Retry-After) and 500 on the fenced status write,
        the Lease update and the event posts: the status writes are retried until the token is
        recorded and its run starts once; the leader keeps its lease (the faults end well
        within the renew deadline); lost events never stop a run."""
        p = PolicyUnderFault(self, "write_errors")
        status = self.status_path(p)
        for code, count in ((409, 3), (429, 2), (500, 3)):
            body = dict(method="PUT", pathPrefix=status, count=count, status=code)
            if code == 429:
                body["retryAfterSeconds"] = 1
            p.run_round("status-%d" % code, ROWS, before=self.fault(**body))
            self.faults_met()
        # Renewals fail for about one retry period each time, well within the renew deadline.
        for code in (409, 429, 500):
            body = dict(method="PUT", pathPrefix=self.lease_path(p), count=2, status=code)
            if code == 429:
                body["retryAfterSeconds"] = 1
            p.run_round("lease-%d" % code, ROWS, before=self.fault(**body))
            self.faults_met()
        # The run's RunStarted/RunSucceeded events are refused.
        events = "/api/v1/namespaces/%s/events" % p.ns
        for code in (500, 429):
            body = dict(method="POST", pathPrefix=events, count=2, status=code)
            if code == 429:
                body["retryAfterSeconds"] = 1
            p.run_round("events-%d" % code, ROWS, before=self.fault(**body))
            self.faults_met()
        p.run_round("after", ROWS)
        p.check_converged()
        p.check_managers_up()


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
