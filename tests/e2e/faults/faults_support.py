"""Helpers of the fault-injection suite (issue 8): one AftersalesTimeoutPolicy on its own
database and two replicas on their own Lease, run-now rounds that each seed a fresh slice of
overdue rows, and the invariants every fault test checks afterwards, in the database (each row
transitioned once, one audit row each, attributed to the run that did it) and on the resource
(status converged to what the database says). The policy helpers come from the aftersales suite
(tests/e2e/aftersales/atp_support.py), shared rather than copied."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "aftersales"))

from atp_support import (RUN_NOW, TRANSITIONS, audit_counts, condition,  # noqa: E402,F401
                         condition_is, events, expected_audit, last_run, overdue_left, policy,
                         seed, state_counts, wait_policy)
from orderops_e2e import LeaseSettings  # noqa: E402

ROWS = 300  # rows of one run-now round: two batches of 200 over two workers


class AdminFaults:
    """Mixin for an E2ETestCase: the test API server's admin fault API."""

    def admin(self, method, path, body=None):
        return self.env.apiserver.admin(method, path, body)

    def fault(self, **body):
        """POST /faults now; cleared after the test."""
        self.addCleanup(self.admin, "DELETE", "/faults")
        return lambda: self.admin("POST", "/faults", body)

    def faults_met(self):
        """Every injected fault was answered to some request (none left over)."""
        self.wait_for(lambda: not self.admin("GET", "/state")["faults"], 15,
                      "the injected faults to be met")

    def status_path(self, p):
        return "/apis/orderops.io/v1alpha1/namespaces/%s/aftersalestimeoutpolicies/%s/status" % (
            p.ns, p.name)

    def lease_path(self, p):
        return "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s" % (
            p.lease.namespace, p.lease.name)


class PolicyUnderFault:
    """One policy (`name` in namespace `ns`) whose database `db` is filled round by round.
    `rounds` maps run-now token -> rows seeded for it; ids grow so rounds never overlap."""

    def __init__(self, test, case, name="faulty", replicas=2, lease=None, **spec):
        self.test, self.env = test, test.env
        self.name = name
        self.ns = self.env.namespace("faults-" + case.replace("_", "-"))
        self.db = case
        self.env.secret(self.ns, "shop-db", {"uri": self.env.postgres.create_database(case)})
        self.lease = lease or LeaseSettings(name="faults-" + case.replace("_", "-"),
                                            lease_duration="6s", renew_deadline="4s",
                                            retry_period="1s")
        self.replicas = self.env.start_replicas(replicas, self.lease, prefix=case)
        for m in self.replicas:
            test.addCleanup(m.stop)
        self.leader, self.followers = self.env.leader(self.replicas)
        body = dict(batchSize=200, parallelism=2, activeDeadlineSeconds=300)
        body.update(spec)
        self.env.kubectl.apply(policy(name, self.ns, **body))
        self.wait(lambda o: condition_is(o, "Ready", "True"), 30, "Ready=True")
        self.next_id = 1
        self.seeded = {}        # state -> rows, all rounds together
        self.rounds = {}        # token -> rows seeded for it
        self.run_ids = {}       # token -> runID of its run (from status)

    # the resource ------------------------------------------------------------------------------
    def get(self):
        return self.env.kubectl.get("atp", self.name, self.ns)

    def wait(self, predicate, timeout, what):
        return wait_policy(self.env, self.ns, self.name, predicate, timeout, what)

    # rounds ------------------------------------------------------------------------------------
    def seed_round(self, token, rows):
        """Seeds `rows` overdue rows for the run of `token` (annotate separately)."""
        for state, n in seed(self.env.postgres, self.db, self.next_id, rows).items():
            self.seeded[state] = self.seeded.get(state, 0) + n
        self.next_id += rows
        self.rounds[token] = rows

    def annotate(self, token):
        self.env.kubectl.annotate("atp", self.name, self.ns, RUN_NOW, token)

    def wait_round(self, token, timeout=60):
        """The status once the run of `token` finished and nothing is active; records its runID
        and checks it did exactly its round's rows."""
        obj = self.wait(lambda o: o["status"].get("lastHandledRunNow") == token and
                        (last_run(o) or {}).get("completionTime") and
                        last_run(o).get("trigger") == "Manual" and
                        not o["status"].get("active") and
                        last_run(o)["runID"] not in self.run_ids.values(), timeout,
                        "the run of token %r to finish" % token)
        run = last_run(obj)
        self.run_ids[token] = run["runID"]
        self.test.assertEqual(run["outcome"], "Succeeded", run)
        self.test.assertEqual(run["counts"]["selected"], self.rounds[token], run)
        self.test.assertEqual(run["counts"]["failed"], 0, run)
        return obj

    def run_round(self, token, rows, before=None, after=None, timeout=60):
        """Seed, call before() (a fault the token's status writes must meet), annotate, call
        after() (a fault racing the token's handling), wait for the run."""
        self.seed_round(token, rows)
        if before:
            before()
        self.annotate(token)
        if after:
            after()
        return self.wait_round(token, timeout)

    # the database ------------------------------------------------------------------------------
    def sql(self, statement, params=None):
        return self.env.postgres.query(statement, params, database=self.db)

    def slow_rows(self, milliseconds):
        """Every row update sleeps this long (a trigger): runs stay mid-run long enough for a
        fault to hit them. 0 removes the trigger."""
        self.sql("DROP TRIGGER IF EXISTS faults_slow ON order_aftersales")
        if milliseconds:
            self.sql("CREATE OR REPLACE FUNCTION faults_slow_row() RETURNS trigger "
                     "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(%s); RETURN NEW; END $$",
                     (milliseconds / 1000.0,))
            self.sql("CREATE TRIGGER faults_slow BEFORE UPDATE ON order_aftersales "
                     "FOR EACH ROW EXECUTE FUNCTION faults_slow_row()")

    def audit_rows_by_run(self):
        return dict(self.sql("SELECT context_data->>'runID', count(*) FROM order_aftersales_logs "
                             "GROUP BY 1"))

    def run_started_logs(self, run_id):
        """"run started" log lines of `run_id` over every replica, dead ones included."""
        return [e for m in self.replicas for e in m.log_messages("run started")
                if e.get("runID") == run_id]

    # invariants --------------------------------------------------------------------------------
    def check_converged(self, extra_runs=None):
        """Nothing lost, nothing applied twice, every token ran exactly once, status = database.
        extra_runs: {runID: rows} done by runs that are not one token's whole round (a run cut
        off by a fault); their rows count towards the tokens' rounds they came from."""
        t = self.test
        total = self.next_id - 1
        # Database: every seeded row transitioned exactly once, with exactly one audit row.
        t.assertEqual(state_counts(self.env.postgres, self.db, 1, total),
                      {TRANSITIONS[s][0]: n for s, n in self.seeded.items()})
        t.assertEqual(self.sql("SELECT count(*), count(DISTINCT aftersales_id) "
                               "FROM order_aftersales_logs"), [(total, total)])
        t.assertEqual(audit_counts(self.env.postgres, self.db, 1, total),
                      expected_audit(self.seeded))
        t.assertEqual(overdue_left(self.env.postgres, self.db), 0)
        # ... split between the runs exactly as each run's status counts said.
        expected = {self.run_ids[tok]: rows for tok, rows in self.rounds.items()
                    if tok in self.run_ids}
        for run_id, rows in (extra_runs or {}).items():
            expected[run_id] = rows
        t.assertEqual(self.audit_rows_by_run(), {k: v for k, v in expected.items() if v})
        # Each token's run started exactly once over all replicas.
        for tok, run_id in self.run_ids.items():
            started = self.run_started_logs(run_id)
            t.assertEqual(len(started), 1, "token %r started %d times: %s" % (
                tok, len(started), started))
        # Resource: converged to the truth above.
        obj = self.wait(lambda o: condition_is(o, "Ready", "True") and
                        condition_is(o, "Running", "False") and
                        o["status"].get("backlog", {}).get("total") == 0, 30,
                        "status to converge (Ready, idle, backlog 0)")
        t.assertFalse(obj["status"].get("active"), obj["status"])
        return obj

    def check_managers_up(self, leader=None):
        """Every replica still runs; `leader` (default: the first leader) still leads and never
        stopped leading."""
        leader = leader or self.leader
        for m in self.replicas:
            self.test.assertTrue(m.running(), "%s exited:\n%s" % (m.name, m.tail(30)))
            self.test.assertTrue(m.healthy(), "%s /healthz" % m.name)
        self.test.assertEqual(self.env.kubectl.lease_holder(self.lease.name, self.lease.namespace),
                              leader.identity)
        self.test.assertEqual(leader.is_leader_metric(), 1)
        self.test.assertEqual(leader.log_messages("stopped leading"), [])
        for m in self.replicas:
            if m is not leader:
                self.test.assertEqual(m.is_leader_metric(), 0)
