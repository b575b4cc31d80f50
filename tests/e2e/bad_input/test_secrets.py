"""End to end (issue 8, api.md section 2): malformed Secrets and unusable databases, for both
kinds. Each resource gets Ready=False with the documented reason and a message naming the Secret
key or the problem, Stalled as api.md says (True when a person must act; False for a database
that is merely unreachable, which is retried), one Warning event and no run. Then every Secret
is corrected in place and every resource heals to Ready=True through the Secret watch. No secret
value (DSN passwords, APIv3 keys, private key material) appears in any condition, event, status,
log line or metric. The missing Secret and the wrong password of an ATP are in
tests/e2e/aftersales/test_bad_inputs.py and not repeated here.

Run: /usr/bin/python3 tests/e2e/bad_input/test_secrets.py  (ORDEROPS_BIN_DIR=build/bin)"""

import socket
import unittest

from bad_input_support import (ATP, PSS, assert_no_leak, assert_not_ready, condition_is,
                               everything_visible, policy, schedule, secret, wait_resource)
from orderops_e2e import E2ETestCase
from orderops_e2e.binaries import require
from orderops_e2e.wechatpay_mock import WechatPayMock

NS = "bad-secrets"
DSN_PASSWORD = "Dsn-S3cret-e2e-77aa"  # in the unparsable DSN: must never show anywhere
WRONG_APIV3 = "0123456789abcdef0123456789ABCDEF"  # 32 bytes, not the merchant's key
SHORT_APIV3 = "0123456789abcdef0123456789abcde"  # 31 bytes


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SecretsTest(E2ETestCase):
    environment_name = "bad-input-secrets"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env, pg = cls.env, cls.env.postgres
        cls.mock = WechatPayMock(env.dir)
        cls.addClassCleanup(cls.mock.stop)
        env.namespace(NS)
        good = cls.mock.credentials()
        cls.good_credentials = good
        bad_dsn = "postgresql://orderops:%s@127.0.0.1:notaport/orderops" % DSN_PASSWORD
        # name -> (kind, Secret as created, expected reason, message parts, stalled)
        cls.cases = {
            # Database Secrets (ATP and PSS read them the same way).
            "db-wrong-key": (ATP, secret(NS, "db-wrong-key", {"url": pg.url}),
                             "SecretNotFound", ['no key "uri"'], True),
            "db-empty": (ATP, secret(NS, "db-empty", {"uri": ""}),
                         "InvalidCredentials", ['"uri" is empty'], True),
            "db-unparsable": (ATP, secret(NS, "db-unparsable", {"uri": bad_dsn}),
                              "InvalidCredentials", ["database URL", "notaport"], True),
            "db-tls-type": (ATP, secret(NS, "db-tls-type", {"tls.crt": "x", "tls.key": "y"},
                                        type_="kubernetes.io/tls"),
                            "SecretNotFound", ['no key "uri"'], True),
            "db-no-database": (ATP, secret(NS, "db-no-database",
                                           {"uri": pg.url_for(database="no_such_db")}),
                               "DatabaseUnavailable", ["no_such_db"], True),
            "p-db-empty": (PSS, secret(NS, "p-db-empty", {"uri": "  \n"}),
                           "InvalidCredentials", ['"uri" is empty'], True),
            "p-db-down": (PSS, secret(NS, "p-db-down", {
                "uri": "postgresql://orderops@127.0.0.1:%d/x?connect_timeout=2" % closed_port()}),
                "DatabaseUnavailable", ["database unavailable"], False),
            # WeChat Pay credentials Secrets.
            "c-missing-apiv3": (PSS, secret(NS, "c-missing-apiv3", {
                k: v for k, v in good.items() if k != "apiv3_key"}),
                "InvalidCredentials", ["apiv3_key", "missing"], True),
            "c-empty-serial": (PSS, secret(NS, "c-empty-serial",
                                           dict(good, merchant_serial_no="")),
                               "InvalidCredentials", ["merchant_serial_no"], True),
            "c-not-pem": (PSS, secret(NS, "c-not-pem", dict(
                good, **{"apiclient_key.pem": "this is not a PEM private key"})),
                "InvalidCredentials", ["apiclient_key.pem"], True),
            "c-short-apiv3": (PSS, secret(NS, "c-short-apiv3", dict(good, apiv3_key=SHORT_APIV3)),
                              "InvalidCredentials", ["apiv3_key", "32 bytes", "got 31"], True),
            "c-wrong-apiv3": (PSS, secret(NS, "c-wrong-apiv3", dict(good, apiv3_key=WRONG_APIV3)),
                              "InvalidCredentials", ["invalid WeChat Pay credentials"], True),
            "c-tls-type": (PSS, secret(NS, "c-tls-type", {"tls.crt": "x", "tls.key": "y"},
                                       type_="kubernetes.io/tls"),
                           "InvalidCredentials", ["apiclient_key.pem", "missing"], True),
        }
        env.secret(NS, "shop-db", {"uri": pg.url})
        env.secret(NS, "wechatpay-creds", good)
        docs = [c[1] for c in cls.cases.values()]
        for name, (kind, _, _, _, _) in cls.cases.items():
            if kind == ATP:
                docs.append(policy(name, NS, secret=name))
            elif name.startswith("p-db"):
                docs.append(cls.pss(name, db_secret=name))
            else:
                docs.append(cls.pss(name, credentials=name))
        cls.manager = env.start_manager("manager", lease=None)
        env.kubectl.apply(*docs)

    @classmethod
    def pss(cls, name, **kw):
        return schedule(name, NS, mch_id=cls.mock.mch_id, endpoint=cls.mock.url, **kw)

    def tearDown(self):
        self.assertTrue(self.manager.running(), "bad input must not crash the manager")

    def test_1_each_malformed_secret_has_its_condition_and_event(self):
        for name, (kind, _, reason, parts, stalled) in self.cases.items():
            with self.subTest(name):
                assert_not_ready(self, self.env, kind, NS, name, reason, parts, stalled=stalled)

    def test_2_no_secret_value_is_shown_anywhere(self):
        for name, (kind, _, reason, _, _) in self.cases.items():
            wait_resource(self.env, kind, NS, name,
                          lambda o, r=reason: condition_is(o, "Ready", "False", r), 45,
                          "Ready=False/" + reason)
        secrets = [DSN_PASSWORD, WRONG_APIV3, SHORT_APIV3, self.env.postgres.password,
                   self.good_credentials["apiv3_key"].strip(),
                   self.good_credentials["apiclient_key.pem"]]
        assert_no_leak(self, everything_visible(self.env, [self.manager], [NS]), secrets)

    def test_3_fixing_the_secrets_heals_every_resource(self):
        env = self.env
        for name, (kind, _, reason, _, _) in self.cases.items():
            wait_resource(env, kind, NS, name,
                          lambda o, r=reason: condition_is(o, "Ready", "False", r), 45,
                          "Ready=False/" + reason)
        fixed = []
        for name, (kind, _, _, _, _) in self.cases.items():
            if kind == ATP or name.startswith("p-db"):
                fixed.append(secret(NS, name, {"uri": env.postgres.url}))
            else:
                fixed.append(secret(NS, name, self.good_credentials))
        # A Secret's type is immutable: the TLS-typed ones are replaced, the others updated.
        env.kubectl.run("delete", "secret", "db-tls-type", "c-tls-type", "-n", NS)
        env.kubectl.apply(*fixed)
        for name, (kind, _, _, _, _) in self.cases.items():
            with self.subTest(name):
                obj = wait_resource(env, kind, NS, name,
                                    lambda o: condition_is(o, "Ready", "True", "Scheduled"), 45,
                                    "Ready=True once the Secret is fixed")
                self.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"))


if __name__ == "__main__":
    require("orderops")
    require("orderops-wechatpay-mock")
    unittest.main(verbosity=2)
