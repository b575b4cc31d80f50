"""End to end, the happy path of an AftersalesTimeoutPolicy (issue 5, "Done when", second bullet):
two `orderops manager` replicas with leader election, the test API server, real kubectl and a
throwaway PostgreSQL. A policy scheduled every minute processes the seeded overdue rows at its
first slot; status, conditions, events and the leader's /metrics agree with the database.

Run: /usr/bin/python3 tests/e2e/aftersales/test_happy_path.py  (ORDEROPS_BIN_DIR=build/bin)"""

import calendar
import time
import unittest

from atp_support import (TRANSITIONS, audit_counts, condition_is, events, expected_audit,
                         get_policy, last_run, overdue_left, policy, runs_total, seed,
                         state_counts, wait_policy)
from orderops_e2e import E2ETestCase, LeaseSettings, promtool_check
from orderops_e2e.binaries import require

NS = "shop"
NAME = "shop-aftersales"
OVERDUE = (1, 36)  # ids of the overdue rows, 12 per timed state
FUTURE = (1001, 1003)  # not yet due: untouched
NO_DEADLINE = (2001, 2003)  # auto_process_time NULL: get a deadline (deadlinesSet)
REFUND_ONLY = 3001  # pending_return of a type without a return deadline: untouched
OTHER_STATE = 4001  # approved with an old deadline: not a timed state, untouched


class HappyPathTest(E2ETestCase):
    environment_name = "atp-happy"

    def setUp(self):
        env = self.env
        pg = env.postgres
        self.seeded = seed(pg, None, OVERDUE[0], OVERDUE[1] - OVERDUE[0] + 1)
        seed(pg, None, FUTURE[0], 3, due="future")
        seed(pg, None, NO_DEADLINE[0], 3, due="none")
        seed(pg, None, REFUND_ONLY, 1, states=("pending_return",), types=("refund_only",))
        seed(pg, None, OTHER_STATE, 1, states=("approved",))
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": pg.url})
        self.replicas = env.start_replicas(2, LeaseSettings(name="atp-happy"))

    def test_scheduled_run_processes_overdue_rows_and_reports_them(self):
        env, pg = self.env, self.env.postgres
        leader, (follower,) = env.leader(self.replicas)
        env.kubectl.apply(policy(NAME, NS, schedule="* * * * *", batchSize=5, parallelism=2))
        created = time.time()

        # Ready before the first slot: spec, Secret and database check out.
        obj = wait_policy(env, NS, NAME, lambda o: condition_is(o, "Ready", "True", "Scheduled"),
                          30, "Ready=True/Scheduled")
        self.assertTrue(obj["status"].get("nextScheduleTime"), obj["status"])

        # The first slot is at most a minute away; two minutes is the contract.
        obj = wait_policy(env, NS, NAME,
                          lambda o: (last_run(o) or {}).get("outcome") == "Succeeded", 150,
                          "the first scheduled run to succeed")
        run = last_run(obj)
        self.assertLessEqual(time.time() - created, 125, "first run later than two minutes")
        self.assertEqual(run["trigger"], "Schedule")
        slot = run["scheduledTime"]
        self.assertTrue(slot.endswith(":00Z"), slot)
        self.assertEqual(obj["status"]["lastScheduleTime"], slot)
        slot_minutes = calendar.timegm(time.strptime(slot, "%Y-%m-%dT%H:%M:%SZ")) // 60
        self.assertEqual(run["runID"], "%s-%d" % (NAME, slot_minutes))
        self.assertEqual(run["counts"], {"selected": 36, "approved": 12, "cancelled": 12,
                                         "received": 12, "failed": 0, "deadlinesSet": 3})

        # status.lastRun counts match the database, row by row and audit row by audit row.
        states = state_counts(pg, None, *OVERDUE)
        self.assertEqual(states, {"approved": run["counts"]["approved"],
                                  "cancelled": run["counts"]["cancelled"],
                                  "pending_refund": run["counts"]["received"]})
        self.assertEqual(audit_counts(pg, None, *OVERDUE), expected_audit(self.seeded))
        self.assertEqual(overdue_left(pg, None), 0)
        self.check_row_columns(run["runID"])
        self.check_untouched_rows()

        # Conditions, backlog, kubectl wait, the printer columns, events.
        self.assertTrue(condition_is(obj, "Ready", "True", "Scheduled"))
        self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"))
        self.assertTrue(condition_is(obj, "Running", "False", "Idle"))
        self.assertTrue(condition_is(obj, "BacklogHigh", "False"))
        self.assertEqual(obj["status"]["backlog"]["total"], 0)
        self.assertEqual(obj["status"]["lastSuccessfulTime"], run["completionTime"])
        r = env.kubectl.run("wait", "--for=condition=Ready", "atp/" + NAME, "-n", NS,
                            "--timeout=60s")
        self.assertIn("condition met", r.stdout)
        table = env.kubectl.run("get", "atp", NAME, "-n", NS).stdout
        self.assertRegex(table, r"\* \* \* \* \*\s+false\s+Succeeded\s+\S+\s+0\s+True")
        for reason in ("RunStarted", "RunSucceeded"):
            found = self.wait_for(
                lambda r=reason: [e for e in events(env, NS, NAME, r)
                                  if run["runID"] in e["message"]], 15, reason + " event")
            self.assertEqual(len(found), 1, "%s events: %s" % (reason, found))
            self.assertEqual(found[0]["type"], "Normal")

        # /metrics: the leader counted the run and the transitions; the follower did nothing.
        m = leader.metrics()
        self.assertEqual(m.value("orderops_leader"), 1)
        self.assertEqual(runs_total(leader, NS, NAME, "Schedule", "Succeeded"), 1)
        for frm, (to, _, key) in TRANSITIONS.items():
            self.assertEqual(m.value("orderops_aftersales_transitions_total", namespace=NS,
                                     name=NAME, **{"from": frm, "to": to}),
                             run["counts"][key], frm)
        self.assertEqual(m.value("orderops_resource_condition", kind="AftersalesTimeoutPolicy",
                                 namespace=NS, name=NAME, type="Ready", status="True"), 1)
        self.assertEqual(m.sum("orderops_aftersales_backlog", namespace=NS, name=NAME), 0)
        ok, out = promtool_check(leader.metrics_text())
        self.assertTrue(ok, "promtool check metrics: " + out)
        f = follower.metrics()
        self.assertEqual(f.value("orderops_leader"), 0)
        self.assertEqual(f.select("orderops_aftersales_transitions_total"), [])
        self.assertEqual(f.select("orderops_runs_total"), [])

        # The database password is in the Secret only.
        for m_ in self.replicas:
            self.assertNotIn(pg.password, m_.raw_log(), m_.name)
            self.assertNotIn(pg.password, m_.metrics_text(), m_.name)
        self.assertNotIn(pg.password, str(get_policy(env, NS, NAME)))

    def check_row_columns(self, run_id):
        pg = self.env.postgres
        rows = pg.query(
            "SELECT state, stage, auto_process_time IS NULL, audit_time IS NOT NULL, "
            "completed_time IS NOT NULL, update_time > now() - interval '5 minutes', count(*) "
            "FROM order_aftersales WHERE id BETWEEN %s AND %s GROUP BY 1, 2, 3, 4, 5, 6",
            OVERDUE)
        self.assertEqual(sorted(rows), sorted([
            ("approved", "audit", True, True, False, True, 12),
            ("cancelled", "complete", True, False, True, True, 12),
            ("pending_refund", "refund", True, False, False, True, 12)]))
        logs = pg.query(
            "SELECT count(*), count(DISTINCT aftersales_id), "
            "count(*) FILTER (WHERE operator_type = 'SYSTEM' AND operator_name = 'orderops' "
            "AND context_data->>'runID' = %s) FROM order_aftersales_logs", (run_id,))
        self.assertEqual(logs, [(36, 36, 36)], "one audit row per changed row, by this run")

    def check_untouched_rows(self):
        pg = self.env.postgres
        rows = pg.query(
            "SELECT id, state, auto_process_time IS NULL, "
            "round(extract(epoch FROM auto_process_time - now()) / 3600) "
            "FROM order_aftersales WHERE id >= %s ORDER BY id", (FUTURE[0],))
        self.assertEqual(rows, [
            (1001, "pending_approval", False, 1), (1002, "pending_return", False, 1),
            (1003, "pending_receive", False, 1),
            # fillMissingDeadlines: now() + after (72h, 168h, 72h).
            (2001, "pending_approval", False, 72), (2002, "pending_return", False, 168),
            (2003, "pending_receive", False, 72),
            (3001, "pending_return", False, -1), (4001, "approved", False, -1)])
        self.assertEqual(pg.query("SELECT count(*) FROM order_aftersales_logs WHERE "
                                  "aftersales_id >= %s", (FUTURE[0],)), [(0,)])


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
