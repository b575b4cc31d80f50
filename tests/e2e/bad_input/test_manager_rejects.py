"""End to end (issue 8, api.md sections 2 and 5): values the CRD schemas admit but the manager
must refuse, for both kinds. Each resource shows Ready=False and Stalled=True with the documented
reason and a message naming the field path and the bad value, exactly one Warning event with
that message, the Ready=False condition metric, no run (not even for a run-now annotation) and
no next schedule time; the after-sales rows stay as they were. Covered: cron expressions that do
not parse or never fire (each PSS task by its own path), unknown and "Local" time zones,
non-positive and overflowing durations, the cross-field rule table != logTable, a storagePath
with "..", several errors at once; table names that do not exist and a database without the
tables (SchemaMismatch). Valid resources next to them become Ready, and correcting a spec heals
its resource. (tests/e2e/aftersales/test_bad_inputs.py has the "59-0" schedule, missing Secret
and wrong password of an ATP; they are not repeated here.)

Run: /usr/bin/python3 tests/e2e/bad_input/test_manager_rejects.py  (ORDEROPS_BIN_DIR=build/bin)"""

import unittest

from bad_input_support import (ATP, KIND, PSS, RUN_NOW, assert_not_ready, condition_is,
                               policy, schedule, wait_resource)
from orderops_e2e import E2ETestCase
from orderops_e2e.binaries import require
from orderops_e2e.wechatpay_mock import WechatPayMock

NS = "bad-spec"

# name -> (spec overrides, [strings the message must hold]); all InvalidSpec, Stalled.
ATP_INVALID = {
    "tz-unknown": ({"timeZone": "Mars/Olympus"}, ["spec.timeZone", '"Mars/Olympus"']),
    "tz-local": ({"timeZone": "Local"}, ["spec.timeZone", '"Local"']),
    "month-name": ({"schedule": "0 0 * FOO *"}, ["spec.schedule", '"FOO"']),
    "month-range": ({"schedule": "0 0 * DEC-JAN *"}, ["spec.schedule", "DEC-JAN"]),
    "dow-range": ({"schedule": "0 0 * * MON-SUN"}, ["spec.schedule", "MON-SUN"]),
    "never-fires": ({"schedule": "0 0 30 2 *"}, ["spec.schedule", '"0 0 30 2 *": never fires']),
    "after-zero": ({"timeouts": {"pendingApproval": {"after": "0s"}}},
                   ["spec.timeouts.pendingApproval.after", "0s", "positive"]),
    "after-overflow": ({"timeouts": {"pendingReceive": {"after": "99999999999999h"}}},
                       ["spec.timeouts.pendingReceive.after", "99999999999999h"]),
    "same-tables": ({"database": {"secretRef": {"name": "shop-db"},
                                  "table": "order_aftersales_logs",
                                  "logTable": "order_aftersales_logs"}},
                    ["spec.database.logTable", "must differ from spec.database.table"]),
    "two-errors": ({"timeZone": "Mars/Olympus", "schedule": "0 0 * * MON-SUN"},
                   ["spec.timeZone", "spec.schedule"]),
}
PSS_INVALID = {
    "p-tz-unknown": ({"timeZone": "Mars/Olympus"}, ["spec.timeZone", '"Mars/Olympus"']),
    "p-sync-range": ({"sync": {"schedule": "5-3 * * * *"}}, ["spec.sync.schedule", "5-3"]),
    "p-bill-month": ({"billDownload": {"schedule": "0 0 * XYZ *"}},
                     ["spec.billDownload.schedule", '"XYZ"']),
    "p-retry-dow": ({"retry": {"schedule": "0 0 * * MON-SUN"}}, ["spec.retry.schedule"]),
    "p-unfreeze-never": ({"unfreeze": {"schedule": "0 0 31 4 *"}},
                         ["spec.unfreeze.schedule", '"0 0 31 4 *": never fires']),
    "p-storage-dotdot": ({"billDownload": {"storagePath": "/var/lib/../../etc"}},
                         ["spec.billDownload.storagePath", ".."]),
    # A disabled task is still validated: enabling it later must not surprise anyone.
    "p-disabled-bad": ({"retry": {"enabled": False, "schedule": "0 0 * FOO *"}},
                       ["spec.retry.schedule", "FOO"]),
}


class ManagerRejectsTest(E2ETestCase):
    environment_name = "bad-input-spec"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.mock = WechatPayMock(env.dir)
        cls.addClassCleanup(cls.mock.stop)
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": env.postgres.url})
        env.secret(NS, "bare-db", {"uri": env.postgres.create_database("bare", migrate=False)})
        env.secret(NS, "wechatpay-creds", cls.mock.credentials())
        # Three overdue after-sales rows nobody may touch: no policy here may run.
        env.postgres.execute(
            "INSERT INTO order_aftersales (id, type, reference_number, state, stage, "
            "auto_process_time, refund_amount, create_time, update_time) SELECT g, "
            "'return_refund', 'AS-BAD-' || g, 'pending_approval', 'apply', "
            "now() - interval '1 day', 1.00, now(), now() FROM generate_series(1, 3) g")
        cls.manager = env.start_manager("manager", lease=None)
        run_now = {"annotations": {RUN_NOW: "try-1"}}
        docs = []
        for name, (spec, _) in ATP_INVALID.items():
            p = policy(name, NS, **spec)
            p["metadata"].update(run_now)
            docs.append(p)
        for name, (spec, _) in PSS_INVALID.items():
            s = cls.pss(name, **spec)
            s["metadata"]["annotations"] = {"orderops.io/run-now-" + t: "try-1"
                                            for t in ("sync", "download-bill", "retry",
                                                      "unfreeze")}
            docs.append(s)
        docs += [policy("missing-table", NS, database={"secretRef": {"name": "shop-db"},
                                                       "table": "no_such_table"}),
                 policy("missing-log-schema", NS, database={
                     "secretRef": {"name": "shop-db"}, "logTable": "nope.order_aftersales_logs"}),
                 policy("bare-atp", NS, secret="bare-db"),
                 cls.pss("bare-pss", db_secret="bare-db"),
                 policy("good-atp", NS), cls.pss("good-pss"),
                 cls.pss("heal-pss", sync={"schedule": "5-3 * * * *"}),
                 policy("heal-atp", NS, database={"secretRef": {"name": "shop-db"},
                                                  "table": "order_aftersales",
                                                  "logTable": "order_aftersales"})]
        env.kubectl.apply(*docs)

    @classmethod
    def pss(cls, name, **spec):
        return schedule(name, NS, mch_id=cls.mock.mch_id, endpoint=cls.mock.url, **spec)

    def tearDown(self):
        self.assertTrue(self.manager.running(), "bad input must not crash the manager")

    def check(self, resource, name, reason, parts):
        message = assert_not_ready(self, self.env, resource, NS, name, reason, parts)
        value = self.manager.metrics().value(
            "orderops_resource_condition", kind=KIND[resource], namespace=NS, name=name,
            type="Ready", status="False")
        self.assertEqual(value, 1, "condition metric of %s" % name)
        return message

    def test_atp_values_the_schema_admits(self):
        for name, (_, parts) in ATP_INVALID.items():
            with self.subTest(name):
                self.check(ATP, name, "InvalidSpec", parts)
        obj = self.env.kubectl.get(ATP, "tz-unknown", NS)
        self.assertNotIn("lastHandledRunNow", obj["status"], "a run-now of an invalid policy")
        self.assertEqual(self.env.postgres.query(
            "SELECT state, count(*) FROM order_aftersales GROUP BY state"),
            [("pending_approval", 3)], "an invalid policy changed rows")

    def test_pss_values_the_schema_admits(self):
        for name, (_, parts) in PSS_INVALID.items():
            with self.subTest(name):
                self.check(PSS, name, "InvalidSpec", parts)

    def test_wrong_table_names_are_schema_mismatch(self):
        self.check(ATP, "missing-table", "SchemaMismatch", ["no_such_table", "db migrate"])
        self.check(ATP, "missing-log-schema", "SchemaMismatch",
                   ["nope.order_aftersales_logs", "db migrate"])
        self.check(ATP, "bare-atp", "SchemaMismatch", ["order_aftersales", "db migrate"])
        self.check(PSS, "bare-pss", "SchemaMismatch", ["wechat_pay_profit_share", "db migrate"])

    def test_valid_resources_next_to_them_are_ready(self):
        for resource, name in ((ATP, "good-atp"), (PSS, "good-pss")):
            obj = wait_resource(self.env, resource, NS, name,
                                lambda o: condition_is(o, "Ready", "True", "Scheduled"), 45,
                                "Ready=True")
            self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"))

    def test_correcting_the_spec_heals_the_resource(self):
        env = self.env
        self.check(PSS, "heal-pss", "InvalidSpec", ["spec.sync.schedule", "5-3"])
        self.check(ATP, "heal-atp", "InvalidSpec", ["spec.database.logTable", "must differ"])
        env.kubectl.apply(self.pss("heal-pss", sync={"schedule": "3-5 * * * *"}),
                          policy("heal-atp", NS))
        for resource, name in ((PSS, "heal-pss"), (ATP, "heal-atp")):
            obj = wait_resource(env, resource, NS, name,
                                lambda o: condition_is(o, "Ready", "True", "Scheduled"), 45,
                                "Ready=True after the fix")
            self.assertEqual(obj["status"]["observedGeneration"], 2)
            self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"))


if __name__ == "__main__":
    require("orderops")
    require("orderops-wechatpay-mock")
    unittest.main(verbosity=2)
