"""End to end: the `orderops.io/run-now` annotation (api.md section 4) starts exactly one Manual run
per distinct token, on the leader of two replicas. Runs are counted three ways: the leader's
orderops_runs_total{trigger="Manual"}, RunStarted events and the rows the runs changed.

Run: /usr/bin/python3 tests/e2e/aftersales/test_run_now.py  (ORDEROPS_BIN_DIR=build/bin)"""

import time
import unittest

from atp_support import (RUN_NOW, condition_is, events, get_policy, last_run, policy, runs_total,
                         seed, state_counts, wait_policy)
from orderops_e2e import E2ETestCase, LeaseSettings
from orderops_e2e.binaries import require

NS = "shop-run-now"
NAME = "manual"
# A negative check ("no second run") needs a window: a reconcile of the policy is observed first
# (status.observedGeneration), then this long for a run that should not come.
QUIET_SECONDS = 3


class RunNowTest(E2ETestCase):
    environment_name = "atp-run-now"

    def setUp(self):
        env = self.env
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": env.postgres.url})
        self.replicas = env.start_replicas(2, LeaseSettings(name="atp-run-now"))

    def manual_runs(self, leader):
        return runs_total(leader, NS, NAME, "Manual")

    def started_events(self):
        return sum(e.get("count", 1) for e in events(self.env, NS, NAME, "RunStarted"))

    def wait_started_events(self, n):
        """Events are posted asynchronously: wait for n RunStarted, then insist on exactly n."""
        self.wait_for(lambda: self.started_events() >= n, 15, "%d RunStarted event(s)" % n)
        self.assertEqual(self.started_events(), n)

    def annotate(self, token):
        self.env.kubectl.annotate("atp", NAME, NS, RUN_NOW, token)

    def wait_handled(self, token, runs_before):
        """The policy once `token` is handled and its run has finished and been recorded."""
        return wait_policy(
            self.env, NS, NAME,
            lambda o: o["status"].get("lastHandledRunNow") == token and
            (last_run(o) or {}).get("trigger") == "Manual" and
            not o["status"].get("active") and
            len(o["status"].get("recentRuns", [])) > runs_before, 60,
            "run-now %r handled and its run recorded" % token)

    def test_each_distinct_token_runs_exactly_once(self):
        env, pg = self.env, self.env.postgres
        leader, (follower,) = env.leader(self.replicas)
        seed(pg, None, 1, 30)
        env.kubectl.apply(policy(NAME, NS, batchSize=7))
        obj = wait_policy(env, NS, NAME, lambda o: condition_is(o, "Ready", "True"), 30,
                          "Ready=True")
        self.assertIsNone(last_run(obj), "no run before any token")
        self.assertEqual(self.manual_runs(leader), 0)

        # Token 1: one run, which processes the 30 rows.
        self.annotate("tok-1")
        obj = self.wait_handled("tok-1", 0)
        first = last_run(obj)
        self.assertEqual(first["outcome"], "Succeeded", first)
        self.assertTrue(first["runID"].startswith(NAME + "-manual-"), first["runID"])
        self.assertEqual(first["counts"]["selected"], 30)
        self.assertEqual(state_counts(pg, None, 1, 30),
                         {"approved": 10, "cancelled": 10, "pending_refund": 10})
        self.assertEqual(self.manual_runs(leader), 1)
        self.wait_started_events(1)

        # The same token again, a label change and a spec change (new generation): every one
        # is reconciled, none runs. New overdue rows prove it in the database.
        seed(pg, None, 101, 9)
        self.annotate("tok-1")
        env.kubectl.run("label", "atp", NAME, "-n", NS, "touched=yes")
        generation = get_policy(env, NS, NAME)["metadata"]["generation"]
        env.kubectl.apply(policy(NAME, NS, batchSize=8, annotations={RUN_NOW: "tok-1"}))
        obj = wait_policy(env, NS, NAME,
                          lambda o: o["metadata"]["generation"] == generation + 1, 30,
                          "the spec change to be reconciled")
        time.sleep(QUIET_SECONDS)
        obj = get_policy(env, NS, NAME)
        self.assertEqual(last_run(obj)["runID"], first["runID"])
        self.assertEqual(len(obj["status"]["recentRuns"]), 1)
        self.assertEqual(self.manual_runs(leader), 1)
        self.assertEqual(self.started_events(), 1)
        self.assertEqual(state_counts(pg, None, 101, 109), {
            "pending_approval": 3, "pending_return": 3, "pending_receive": 3})

        # Token 2: exactly one more run, which picks up the new rows.
        self.annotate("tok-2")
        obj = self.wait_handled("tok-2", 1)
        second = last_run(obj)
        self.assertNotEqual(second["runID"], first["runID"])
        self.assertEqual(second["outcome"], "Succeeded", second)
        self.assertEqual(second["counts"]["selected"], 9)
        self.assertEqual(state_counts(pg, None, 101, 109),
                         {"approved": 3, "cancelled": 3, "pending_refund": 3})
        time.sleep(QUIET_SECONDS)
        self.assertEqual(self.manual_runs(leader), 2)
        self.assertEqual(runs_total(leader, NS, NAME, "Manual", "Succeeded"), 2)
        self.assertEqual(runs_total(leader, NS, NAME, "Schedule"), 0)
        self.wait_started_events(2)
        self.assertEqual([r["runID"] for r in get_policy(env, NS, NAME)["status"]["recentRuns"]],
                         [second["runID"], first["runID"]])
        self.assertEqual(pg.query("SELECT count(*), count(DISTINCT aftersales_id) "
                                  "FROM order_aftersales_logs"), [(39, 39)])
        self.assertEqual(follower.metrics().select("orderops_runs_total"), [])


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
