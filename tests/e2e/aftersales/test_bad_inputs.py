"""End to end: bad input shows on the resource and never affects valid resources (api.md sections
2 and 5). A schedule the CRD pattern accepts but cron rejects, a missing Secret and a wrong
database password each give Ready=False and Stalled=True with the documented reason, a message
naming the problem and a Warning event; the password never leaks. A valid policy next to them
still runs. The invalid sample is refused by the API server, so the manager never sees it.

Run: /usr/bin/python3 tests/e2e/aftersales/test_bad_inputs.py  (ORDEROPS_BIN_DIR=build/bin)"""

import json
import os
import socket
import unittest

from atp_support import (RUN_NOW, condition, condition_is, events, get_policy, last_run, policy,
                         seed, state_counts, wait_policy)
from orderops_e2e import SAMPLES_DIR, E2ETestCase
from orderops_e2e.binaries import require

NS = "shop-bad"
# A password the database refuses; distinct enough that finding it anywhere is a leak.
WRONG_PASSWORD = "Wr0ng-pa55word-e2e-4c1d"


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BadInputsTest(E2ETestCase):
    environment_name = "atp-bad-inputs"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": env.postgres.url})
        env.secret(NS, "wrong-db", {"uri": env.postgres.url_for(password=WRONG_PASSWORD)})
        env.secret(NS, "down-db", {"uri": "postgresql://orderops@127.0.0.1:%d/shop?"
                                          "connect_timeout=2" % closed_port()})
        # One replica without leader election: this suite is about validation, not failover.
        cls.manager = env.start_manager("manager", lease=None)
        env.kubectl.apply(
            policy("bad-schedule", NS, schedule="59-0 * * * *"),
            policy("missing-secret", NS, secret="no-such-secret"),
            policy("wrong-password", NS, secret="wrong-db"),
            policy("database-down", NS, secret="down-db"),
            policy("good", NS))

    def tearDown(self):
        self.assertTrue(self.manager.running(), "bad input must not crash the manager")

    def assert_stalled(self, name, reason, *message_parts):
        obj = wait_policy(self.env, NS, name,
                          lambda o: condition_is(o, "Ready", "False", reason), 45,
                          "Ready=False/" + reason)
        ready = condition(obj, "Ready")
        self.assertTrue(condition_is(obj, "Stalled", "True", reason), condition(obj, "Stalled"))
        self.assertEqual(condition(obj, "Stalled")["message"], ready["message"])
        for part in message_parts:
            self.assertIn(part, ready["message"])
        self.assertEqual(ready["observedGeneration"], obj["metadata"]["generation"])
        self.assertIsNone(last_run(obj), "a stalled policy must not run")
        self.assertIsNone(obj["status"].get("nextScheduleTime"))
        warnings = self.wait_for(
            lambda: [e for e in events(self.env, NS, name, reason) if e["type"] == "Warning"],
            20, "a Warning event %s for %s" % (reason, name))
        self.assertEqual(len(warnings), 1, "repeats are aggregated: %s" % warnings)
        self.assertEqual(warnings[0]["message"], ready["message"])
        m = self.manager.metrics()
        self.assertEqual(m.value("orderops_resource_condition", kind="AftersalesTimeoutPolicy",
                                 namespace=NS, name=name, type="Ready", status="False"), 1)
        return ready["message"]

    def test_schedule_that_cron_rejects_is_invalid_spec(self):
        message = self.assert_stalled("bad-schedule", "InvalidSpec", "spec.schedule", "59-0")
        self.assertRegex(message, r"range|after")

    def test_missing_secret_is_secret_not_found(self):
        self.assert_stalled("missing-secret", "SecretNotFound", "no-such-secret")

    def test_wrong_password_is_database_unavailable_without_the_password(self):
        message = self.assert_stalled("wrong-password", "DatabaseUnavailable")
        self.assertRegex(message.lower(), r"password|authentication|credential")
        everything = [
            ("manager log", self.manager.raw_log()),
            ("events", json.dumps(self.env.kubectl.get("events", namespace=NS))),
            ("status", json.dumps(get_policy(self.env, NS, "wrong-password")["status"])),
            ("metrics", self.manager.metrics_text()),
        ]
        for where, text in everything:
            self.assertNotIn(WRONG_PASSWORD, text, where)
            self.assertNotIn(self.env.postgres.password, text, where)

    def test_unreachable_database_is_retried_not_stalled(self):
        # api.md 2: network errors leave Stalled False (the controller retries with backoff).
        obj = wait_policy(self.env, NS, "database-down",
                          lambda o: condition_is(o, "Ready", "False", "DatabaseUnavailable"), 45,
                          "Ready=False/DatabaseUnavailable")
        self.assertIn("database unavailable", condition(obj, "Ready")["message"])
        self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"),
                        condition(obj, "Stalled"))
        self.assertTrue(self.wait_for(
            lambda: events(self.env, NS, "database-down", "DatabaseUnavailable"), 20,
            "a Warning event DatabaseUnavailable"))

    def test_valid_policy_next_to_invalid_ones_keeps_working(self):
        env, pg = self.env, self.env.postgres
        for name, reason in (("bad-schedule", "InvalidSpec"), ("missing-secret", "SecretNotFound"),
                             ("wrong-password", "DatabaseUnavailable"),
                             ("database-down", "DatabaseUnavailable")):
            wait_policy(env, NS, name, lambda o, r=reason: condition_is(o, "Ready", "False", r),
                        45, "Ready=False/" + reason)
        wait_policy(env, NS, "good", lambda o: condition_is(o, "Ready", "True", "Scheduled"), 30,
                    "the valid policy Ready=True")
        seed(pg, None, 1, 6)
        env.kubectl.annotate("atp", "good", NS, RUN_NOW, "go-1")
        obj = wait_policy(env, NS, "good",
                          lambda o: (last_run(o) or {}).get("outcome") == "Succeeded", 45,
                          "the valid policy's run-now to succeed")
        self.assertEqual(last_run(obj)["counts"]["selected"], 6)
        self.assertEqual(state_counts(pg, None, 1, 6),
                         {"approved": 2, "cancelled": 2, "pending_refund": 2})

    def test_fixing_the_input_makes_the_policy_ready(self):
        # A Secret created later and a password corrected in the Secret are picked up through
        # the Secret watch; a corrected spec through the policy's own watch.
        env = self.env
        env.secret(NS, "late-wrong", {"uri": env.postgres.url_for(password=WRONG_PASSWORD)})
        env.kubectl.apply(policy("fix-secret", NS, secret="late-db"),
                          policy("fix-password", NS, secret="late-wrong"),
                          policy("fix-schedule", NS, schedule="30-10 * * * *"))
        self.assert_stalled("fix-secret", "SecretNotFound", "late-db")
        self.assert_stalled("fix-password", "DatabaseUnavailable")
        self.assert_stalled("fix-schedule", "InvalidSpec", "spec.schedule")
        env.secret(NS, "late-db", {"uri": env.postgres.url})
        env.secret(NS, "late-wrong", {"uri": env.postgres.url})
        env.kubectl.apply(policy("fix-schedule", NS, schedule="*/5 * * * *"))
        for name in ("fix-secret", "fix-password", "fix-schedule"):
            obj = wait_policy(env, NS, name,
                              lambda o: condition_is(o, "Ready", "True", "Scheduled"), 30,
                              name + " Ready=True after the fix")
            self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"))
            self.assertTrue(obj["status"].get("nextScheduleTime"))

    def test_invalid_sample_is_refused_by_the_api_server(self):
        env = self.env
        env.namespace("shop")
        r = env.kubectl.run("apply", "-f",
                            os.path.join(SAMPLES_DIR, "invalid-aftersalestimeoutpolicy.yaml"),
                            check=False)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn('"shop-aftersales-invalid" is invalid', r.stderr)
        for field, value in (("spec.schedule", '"61 * * * *"'), ("spec.batchSize", "0"),
                             ("spec.timeouts.pendingReturn.after", '"7d"')):
            self.assertIn("%s: Invalid value: %s" % (field, value), r.stderr)
        self.assertIsNone(env.kubectl.get("atp", "shop-aftersales-invalid", "shop", check=False))
        self.assertNotIn("shop-aftersales-invalid", self.manager.raw_log())
        self.assertEqual(env.kubectl.events("shop"), [])


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
