"""Security (issue 8): no secret leaks, and the manager's real API calls stay inside the rendered
least-privilege RBAC.

Both kinds run end to end on two manager replicas at --log-level debug (the most verbose level),
including the failure paths that tend to echo their input: a wrong database password, a database
that is down, a malformed DSN, a private key that does not parse, a well-formed key WeChat Pay
does not know (SIGN_ERROR), a wrong APIv3 key, answers with a bad signature; plus `orderops run
-f -v` of both kinds, good and bad. Then every captured text is searched for every secret: both
replicas' logs, every `orderops run` output, all Events, both kinds' YAML with status, /metrics
of both replicas, every request body the managers sent to the API server, and the operation log
table. The managers reach the API server through a recording proxy, which yields the request
list for the RBAC check.

Run: /usr/bin/python3 tests/e2e/security/test_secrets.py  (ORDEROPS_BIN_DIR=build/bin)"""

import base64
import os
import subprocess
import unittest

import yaml

import sec_support as sec
from orderops_e2e import E2ETestCase, LeaseSettings, SOURCE_DIR, wait_for
from orderops_e2e.binaries import require
from orderops_e2e.wechatpay_mock import WechatPayMock
from secrets_check import assert_nothing_leaked

NS = "shop-sec"
OPERATOR_NS = "orderops-system"  # the Role of manifests/ grants Leases here only
NEVER = "0 0 1 1 *"
MERCHANT_ROW_ID = 7
RECEIVER = "1900000109"
REAL_NAME = "欧阳娜娜"  # the receiver's name, which the PHP code stores RSA-OAEP encrypted
# Failure-path secrets: distinct, so a hit names the path that leaked it.
WRONG_DB_PASSWORD = "WrongPw-7f3a9c2e11d84b"
MALFORMED_DSN_PASSWORD = "MalformedPw-b81c55e0a2"
WRONG_APIV3_KEY = "Zq8Lw3Nv5Rt7Yx2Kp9Hm4Jc6Bd1Gf0Sa"


def seal_name(platform_cert_path, name):
    """RSA-OAEP(SHA-1) with the platform certificate, Base64: the `name` column as PHP writes it
    (openssl CLI, so no Python crypto package is needed)."""
    sealed = subprocess.run(["openssl", "pkeyutl", "-encrypt", "-certin", "-inkey",
                             platform_cert_path, "-pkeyopt", "rsa_padding_mode:oaep",
                             "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1"],
                            input=name.encode(), capture_output=True, check=True,
                            timeout=30).stdout
    return base64.b64encode(sealed).decode()


def closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


class SecretsTest(E2ETestCase):
    environment_name = "security-secrets"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        pg = env.postgres
        cls.mock = WechatPayMock(env.dir)
        cls.addClassCleanup(cls.mock.stop)
        server, ca, cls.token = sec.kubeconfig_parts(env.apiserver.kubeconfig)
        cert, key = sec.self_signed(env.dir, "proxy")
        cls.proxy = sec.RecordingProxy(cert, key, server, ca)
        cls.addClassCleanup(cls.proxy.stop)
        proxied = sec.write_kubeconfig(env.apiserver.kubeconfig,
                                       os.path.join(env.dir, "kubeconfig-proxied"),
                                       server=cls.proxy.url, ca_pem=sec.read(cert))

        creds = cls.mock.credentials()
        cls.good_key = creds["apiclient_key.pem"]
        cls.unknown_key = sec.rsa_key_pem()
        lines = cls.good_key.strip().splitlines()
        cls.broken_key = "\n".join(lines[:14] + lines[-1:]) + "\n"  # cut short: does not parse
        cls.secrets = {
            "DSN password": pg.password,
            "wrong DSN password": WRONG_DB_PASSWORD,
            "malformed-DSN password": MALFORMED_DSN_PASSWORD,
            "bearer token": cls.token,
            "APIv3 key": creds["apiv3_key"].strip(),
            "wrong APIv3 key": WRONG_APIV3_KEY,
            "private key": cls.good_key,
            "unregistered private key": cls.unknown_key,
        }

        env.namespace(NS)
        env.namespace(OPERATOR_NS)
        env.secret(NS, "db-good", {"uri": pg.url})
        env.secret(NS, "db-wrong-password", {"uri": pg.url_for(password=WRONG_DB_PASSWORD)})
        env.secret(NS, "db-down", {"uri": "postgresql://%s:%s@127.0.0.1:%d/orderops" % (
            pg.user, pg.password, closed_port())})
        env.secret(NS, "db-malformed", {"uri": "postgresql://%s:%s@127.0.0.1:notaport/orderops"
                                        % (pg.user, MALFORMED_DSN_PASSWORD)})
        env.secret(NS, "wx-good", creds)
        env.secret(NS, "wx-broken-key", dict(creds, **{"apiclient_key.pem": cls.broken_key}))
        env.secret(NS, "wx-unknown-key", dict(creds, **{"apiclient_key.pem": cls.unknown_key}))
        env.secret(NS, "wx-wrong-apiv3", dict(creds, apiv3_key=WRONG_APIV3_KEY))
        pg.execute("INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (%s, %s) "
                   "ON CONFLICT DO NOTHING", (MERCHANT_ROW_ID, cls.mock.mch_id))

        cls.sealed_name = seal_name(os.path.join(cls.mock.state_dir, "platform_cert.pem"),
                                   REAL_NAME)
        cls.secrets["receiver name"] = REAL_NAME
        cls.secrets["receiver name (ciphertext)"] = cls.sealed_name

        lease = LeaseSettings(name="security-leader", namespace=OPERATOR_NS)
        cls.replicas = env.start_replicas(2, lease, extra_args=[
            "--kubeconfig", proxied, "--log-level", "debug"])
        cls.cli_outputs = {}
        cls.storage = os.path.join(env.dir, "bills")
        os.makedirs(cls.storage)

    # manifests ------------------------------------------------------------------------------
    @staticmethod
    def atp(name, secret):
        return {"apiVersion": "orderops.io/v1alpha1", "kind": "AftersalesTimeoutPolicy",
                "metadata": {"name": name, "namespace": NS},
                "spec": {"schedule": NEVER, "timeZone": "UTC", "batchSize": 50,
                         "database": {"secretRef": {"name": secret, "key": "uri"}}}}

    def pss(self, name, creds, endpoint=None):
        return {"apiVersion": "orderops.io/v1alpha1", "kind": "ProfitShareSchedule",
                "metadata": {"name": name, "namespace": NS},
                "spec": {"merchant": {"mchId": self.mock.mch_id,
                                      "credentialsSecretRef": {"name": creds}},
                         "endpoint": endpoint or self.mock.url,
                         "database": {"secretRef": {"name": "db-good", "key": "uri"}},
                         "timeZone": "Asia/Shanghai",
                         "sync": {"schedule": NEVER}, "retry": {"schedule": NEVER},
                         "unfreeze": {"schedule": NEVER},
                         "billDownload": {"schedule": NEVER, "storagePath": self.storage}}}

    # helpers ----------------------------------------------------------------------------------
    def get(self, kind, name):
        return self.env.kubectl.get(kind, name, NS)

    def wait_condition(self, kind, name, type_, status, reason=None, timeout=60):
        """The object once condition `type_` has `status` (and `reason`, unless None)."""
        def check():
            obj = self.get(kind, name)
            for c in (obj or {}).get("status", {}).get("conditions", []) or []:
                if c["type"] == type_ and c["status"] == status and \
                        reason in (None, c["reason"]):
                    return obj
            return None
        return wait_for(check, timeout, "%s %s: %s=%s (%s)" % (kind, name, type_, status, reason))

    def run_now(self, kind, name, annotation, token, task=None, timeout=60):
        """lastRun once the run the run-now token started has finished."""
        def last_run():
            status = (self.get(kind, name) or {}).get("status", {})
            holder = status.get("tasks", {}).get(task, {}) if task else status
            return holder, holder.get("lastRun") or {}
        before = last_run()[1].get("runID")
        self.env.kubectl.annotate(kind, name, NS, annotation, token)

        def done():
            holder, last = last_run()
            if holder.get("lastHandledRunNow") == token and last.get("runID") != before and \
                    last.get("completionTime"):
                return last
            return None
        return wait_for(done, timeout, "%s %s: run-now %s finished" % (kind, name, token))

    def cli(self, label, manifest, *args, expect=None):
        """`orderops run -f` of `manifest` at -v against the real API server (Secrets from the
        cluster); its output is kept for the search."""
        path = os.path.join(self.env.dir, "cli-%s.yaml" % label)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(manifest, f)
        r = subprocess.run([require("orderops"), "run", "-f", path, "-v", "--kubeconfig",
                            self.env.apiserver.kubeconfig, *args],
                           capture_output=True, text=True, timeout=60)
        self.cli_outputs["orderops run " + label] = r.stdout + r.stderr
        if expect is not None:
            self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return r

    # the scenario -----------------------------------------------------------------------------
    def test_secrets_never_leak_and_api_calls_stay_within_rbac(self):
        """After good and failing runs of both kinds (manager and CLI), no secret appears in any
        captured output; and every API request the managers made is granted by the rendered
        Roles/ClusterRoles (verb + resource + group, Leases only in the operator namespace)."""
        env, pg, mock = self.env, self.env.postgres, self.mock
        leader, _ = env.leader(self.replicas)
        atp_kind, pss_kind = "aftersalestimeoutpolicies.orderops.io", \
            "profitshareschedules.orderops.io"

        # --- AftersalesTimeoutPolicy: a good run, then the database failure paths.
        pg.execute("INSERT INTO order_aftersales (id, type, reference_number, state, stage, "
                   "auto_process_time, refund_amount, create_time, update_time) SELECT g, "
                   "'return_refund', 'AS-SEC-' || g, 'pending_approval', 'apply', "
                   "now() - interval '1 hour', 10.00, now(), now() "
                   "FROM generate_series(1, 20) AS g")
        env.kubectl.apply(self.atp("atp-good", "db-good"))
        last = self.run_now(atp_kind, "atp-good", "orderops.io/run-now", "sec-1")
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertEqual(last["counts"]["approved"], 20, last)
        for name, secret in (("atp-wrong-password", "db-wrong-password"),
                             ("atp-db-down", "db-down"), ("atp-malformed", "db-malformed")):
            env.kubectl.apply(self.atp(name, secret))
        for name in ("atp-wrong-password", "atp-db-down"):
            self.wait_condition(atp_kind, name, "Ready", "False", "DatabaseUnavailable")
        self.wait_condition(atp_kind, "atp-malformed", "Ready", "False")  # any refusal will do

        # --- ProfitShareSchedule: sync and a retry of a receiver whose name is stored sealed.
        mock.transaction("4200009001", 1000, max_ratio=10000)
        mock.order("4200009001", "P-SEC-1", [{"type": "MERCHANT_ID", "account": RECEIVER,
                                              "amount": 100, "description": "split"}])
        order = pg.query(
            "INSERT INTO wechat_pay_profit_share_order (merchant_id, sub_mch_id, transaction_id, "
            "out_order_no, state, kind, unfreeze_unsplit, create_time, update_time) VALUES "
            "(%s, '', '4200009001', 'P-SEC-1', 'PROCESSING', 'SPLIT', false, now(), now()) "
            "RETURNING id", (MERCHANT_ROW_ID,))[0][0]
        pg.execute("INSERT INTO wechat_pay_profit_share_receiver (order_id, sequence, type, "
                   "account, name, amount, description, result, fail_reason, retry_count, "
                   "finally_failed, create_time, update_time) VALUES (%s, 0, 'MERCHANT_ID', %s, "
                   "%s, 100, 'split', 'PENDING', NULL, 0, false, now(), now())",
                   (order, RECEIVER, self.sealed_name))
        env.kubectl.apply(self.pss("pss-good", "wx-good"))
        self.wait_condition(pss_kind, "pss-good", "Ready", "True", "Scheduled")
        last = self.run_now(pss_kind, "pss-good", "orderops.io/run-now-sync", "sync-1", "sync")
        self.assertEqual(last["outcome"], "Succeeded", last)
        # WeChat Pay closed the receiver for a retryable reason: retry sends a new order.
        pg.execute("UPDATE wechat_pay_profit_share_receiver SET result = 'CLOSED', "
                   "fail_reason = 'SYSTEM_ERROR' WHERE order_id = %s", (order,))
        last = self.run_now(pss_kind, "pss-good", "orderops.io/run-now-retry", "retry-1", "retry")
        self.assertEqual(last["counts"]["resubmitted"], 1, last)
        # Answers with a bad signature: the client refuses them (and says so somewhere).
        mock.transaction("4200009002", 1000, max_ratio=10000)
        mock.order("4200009002", "P-SEC-2", [{"type": "MERCHANT_ID", "account": RECEIVER,
                                              "amount": 100, "description": "split"}])
        pg.execute("INSERT INTO wechat_pay_profit_share_order (merchant_id, sub_mch_id, "
                   "transaction_id, out_order_no, state, kind, unfreeze_unsplit, create_time, "
                   "update_time) VALUES (%s, '', '4200009002', 'P-SEC-2', 'PROCESSING', 'SPLIT', "
                   "false, now(), now())", (MERCHANT_ROW_ID,))
        pg.execute("UPDATE wechat_pay_profit_share_order SET next_sync_at = NULL")
        mock.fault("bad_signature", count=-1, path="/v3/profitsharing/orders")
        last = self.run_now(pss_kind, "pss-good", "orderops.io/run-now-sync", "sync-2", "sync")
        mock.clear_faults()
        self.assertNotEqual(last["outcome"], "Succeeded", last)
        # Bad credentials: each is refused as InvalidCredentials.
        for name, creds in (("pss-broken-key", "wx-broken-key"),
                            ("pss-unknown-key", "wx-unknown-key"),
                            ("pss-wrong-apiv3", "wx-wrong-apiv3")):
            env.kubectl.apply(self.pss(name, creds))
        for name in ("pss-broken-key", "pss-unknown-key", "pss-wrong-apiv3"):
            self.wait_condition(pss_kind, name, "Ready", "False", "InvalidCredentials")

        # --- `orderops run -f -v`, good and bad, of both kinds.
        self.cli("atp-good", self.atp("atp-good", "db-good"), expect=0)
        for name, secret in (("atp-wrong-password", "db-wrong-password"),
                             ("atp-db-down", "db-down"), ("atp-malformed", "db-malformed")):
            self.cli(name, self.atp(name, secret), expect=1)
        # P-SEC-2 is still PROCESSING: each sync selects it and must call WeChat Pay.
        for name, creds in (("pss-broken-key", "wx-broken-key"),
                            ("pss-unknown-key", "wx-unknown-key"),
                            ("pss-wrong-apiv3", "wx-wrong-apiv3")):
            pg.execute("UPDATE wechat_pay_profit_share_order SET next_sync_at = NULL")
            r = self.cli(name, self.pss(name, creds), "--task", "sync")
            self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        pg.execute("UPDATE wechat_pay_profit_share_order SET next_sync_at = NULL")
        r = self.cli("pss-good-sync", self.pss("pss-good", "wx-good"), "--task", "sync", expect=0)
        self.assertRegex(r.stdout, r"finished\s+[1-9]", r.stdout)
        self.cli("pss-good-retry", self.pss("pss-good", "wx-good"), "--task", "retry")

        with self.subTest("secrets"):
            self.check_no_leak(leader)
        with self.subTest("rbac"):
            self.check_rbac()

    def check_no_leak(self, leader):
        env = self.env
        places = {"events (kubectl get events -A -o yaml)":
                  env.kubectl.get_yaml("events", all_namespaces=True),
                  "AftersalesTimeoutPolicies (YAML with status)":
                  env.kubectl.get_yaml("aftersalestimeoutpolicies.orderops.io", namespace=NS),
                  "ProfitShareSchedules (YAML with status)":
                  env.kubectl.get_yaml("profitshareschedules.orderops.io", namespace=NS)}
        for m in self.replicas:
            places["log of " + m.name] = m.raw_log()
            places["/metrics of " + m.name] = m.metrics_text()
        places.update(self.cli_outputs)
        sent = self.proxy.snapshot()
        places["request paths and bodies the managers sent to the API server"] = "\n".join(
            "%s %s %s" % (r["method"], r["path"], r["body"]) for r in sent)
        places["wechat_pay_profit_share_operation_log and order payloads"] = repr(
            self.env.postgres.query("SELECT * FROM wechat_pay_profit_share_operation_log") +
            self.env.postgres.query("SELECT request_payload, response_payload, last_error "
                                    "FROM wechat_pay_profit_share_order"))

        # The places hold what the failure paths produced, so a clean search means something.
        self.assertIn("DatabaseUnavailable", places["AftersalesTimeoutPolicies (YAML with status)"])
        self.assertIn("InvalidCredentials", places["ProfitShareSchedules (YAML with status)"])
        self.assertIn("kind: Event", places["events (kubectl get events -A -o yaml)"])
        self.assertIn('"level":"debug"', places["log of " + leader.name])
        self.assertIn("orderops_runs_total", places["/metrics of " + leader.name])
        self.assertTrue(any("/status" in r["path"] for r in sent), "no status write seen")
        self.assertIn("request_order", places[
            "wechat_pay_profit_share_operation_log and order payloads"])
        assert_nothing_leaked(self, places, self.secrets)

    def check_rbac(self):
        grants = sec.rendered_grants(SOURCE_DIR)
        sent = self.proxy.snapshot()
        used, outside, non_resource = set(), [], set()
        for r in sent:
            self.assertTrue(r["user_agent"].startswith("orderops"), r)  # the managers' calls
            attrs = sec.request_attributes(r["method"], r["path"])
            if attrs is None:
                non_resource.add(r["path"])
                continue
            used.add(attrs[:3])
            if not sec.allowed(grants, attrs):
                outside.append("%s %s -> %s" % (r["method"], r["path"], attrs))
        self.assertEqual(outside, [], "API calls the rendered RBAC does not grant")
        # Discovery and /version are granted to every authenticated user (system:discovery).
        self.assertEqual({p for p in non_resource if not p.startswith(("/api", "/version"))},
                         set(), non_resource)
        # Not vacuous: the run exercised every kind of call the manager needs.
        for need in [("orderops.io", "aftersalestimeoutpolicies", "watch"),
                     ("orderops.io", "profitshareschedules", "watch"),
                     ("orderops.io", "aftersalestimeoutpolicies/status", None),
                     ("orderops.io", "profitshareschedules/status", None),
                     ("", "secrets", "watch"), ("coordination.k8s.io", "leases", "update"),
                     (None, "events", "create")]:
            self.assertTrue(any((need[0] is None or u[0] == need[0]) and u[1] == need[1] and
                                (need[2] is None or u[2] == need[2]) for u in used),
                            "no %s call seen: %s" % (need, sorted(used)))
        unused = sorted(g for g in grants if (g[1], g[2], g[3]) not in used)
        print("\nRBAC: %d requests, all granted; calls used %s; grants not exercised here %s" % (
            len(sent), sorted(used), unused))


if __name__ == "__main__":
    require("orderops")
    require("orderops-wechatpay-mock")
    unittest.main(verbosity=2)
