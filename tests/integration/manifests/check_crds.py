"""The CRDs in crds/ against the contract of api.md sections 1-2: names, printer columns, a
structural schema, every default, the status shape, and the cron / time zone / duration / mchId
patterns. Pure file checks."""

import re
import unittest

from manifest_lib import apply_defaults, crd_path, crd_schema, load_yaml_file, repo_root, validate, walk

ATP = "AftersalesTimeoutPolicy"
PSS = "ProfitShareSchedule"
READY_PATH = '.status.conditions[?(@.type=="Ready")].status'

NAMES = {
    ATP: {"kind": ATP, "listKind": ATP + "List", "plural": "aftersalestimeoutpolicies",
          "singular": "aftersalestimeoutpolicy", "shortNames": ["atp"], "categories": ["orderops"]},
    PSS: {"kind": PSS, "listKind": PSS + "List", "plural": "profitshareschedules",
          "singular": "profitshareschedule", "shortNames": ["pss"], "categories": ["orderops"]},
}

# (name, type, jsonPath) in order, as api.md section 1 lists them.
COLUMNS = {
    ATP: [("Schedule", "string", ".spec.schedule"),
          ("Suspend", "boolean", ".spec.suspend"),
          ("Last Run", "string", ".status.lastRun.outcome"),
          ("Last Success", "date", ".status.lastSuccessfulTime"),
          ("Backlog", "integer", ".status.backlog.total"),
          ("Ready", "string", READY_PATH),
          ("Age", "date", ".metadata.creationTimestamp")],
    PSS: [("Merchant", "string", ".spec.merchant.mchId"),
          ("Suspend", "boolean", ".spec.suspend"),
          ("Sync", "string", ".status.tasks.sync.lastRun.outcome"),
          ("Bills", "string", ".status.tasks.billDownload.lastRun.outcome"),
          ("Retry", "string", ".status.tasks.retry.lastRun.outcome"),
          ("Unfreeze", "string", ".status.tasks.unfreeze.lastRun.outcome"),
          ("Ready", "string", READY_PATH),
          ("Age", "date", ".metadata.creationTimestamp")],
}

# The smallest spec each kind accepts, and what the API server must turn it into: every default
# of api.md 1.1-1.3 and nothing else.
MINIMAL = {
    ATP: {"database": {"secretRef": {"name": "shop-db"}}},
    PSS: {"merchant": {"mchId": "1900009191", "credentialsSecretRef": {"name": "wechatpay-1900009191"}},
          "database": {"secretRef": {"name": "shop-db"}}},
}

DEFAULTED = {
    ATP: {
        "schedule": "0 * * * *",
        "timeZone": "UTC",
        "suspend": False,
        "concurrencyPolicy": "Forbid",
        "activeDeadlineSeconds": 300,
        "dryRun": False,
        "batchSize": 100,
        "parallelism": 1,
        "maxRecordsPerRun": 0,
        "database": {"secretRef": {"name": "shop-db", "key": "uri"}, "table": "order_aftersales",
                     "logTable": "order_aftersales_logs", "notifyChannel": ""},
        "timeouts": {"pendingApproval": {"enabled": True, "after": "72h"},
                     "pendingReturn": {"enabled": True, "after": "168h"},
                     "pendingReceive": {"enabled": True, "after": "72h"},
                     "fillMissingDeadlines": True},
        "alerts": {"backlogThreshold": 1000, "consecutiveFailures": 3},
        "successfulRunsHistoryLimit": 3,
        "failedRunsHistoryLimit": 3,
    },
    PSS: {
        "merchant": {"mchId": "1900009191", "subMchId": "",
                     "credentialsSecretRef": {"name": "wechatpay-1900009191"}},
        "endpoint": "https://api.mch.weixin.qq.com",
        "database": {"secretRef": {"name": "shop-db", "key": "uri"}},
        "timeZone": "UTC",
        "suspend": False,
        "dryRun": False,
        "concurrencyPolicy": "Forbid",
        "requestsPerSecond": 20,
        "maxConcurrentRequests": 8,
        "sync": {"enabled": True, "schedule": "*/5 * * * *", "timeoutHours": 24, "batchSize": 100,
                 "activeDeadlineSeconds": 240},
        "billDownload": {"enabled": True, "schedule": "0 * * * *", "expireDays": 7, "lookbackDays": 3,
                         "tarType": "GZIP", "storagePath": "/var/lib/orderops/bills",
                         "activeDeadlineSeconds": 300},
        "retry": {"enabled": True, "schedule": "*/30 * * * *", "maxRetry": 3, "retryIntervalMinutes": 30,
                  "lookbackDays": 7,
                  "nonRetryableReasons": ["RECEIVER_HIGH_RISK", "RECEIVER_REAL_NAME_NOT_VERIFIED",
                                          "INVALID_REQUEST"],
                  "activeDeadlineSeconds": 300},
        "unfreeze": {"enabled": True, "schedule": "0 */2 * * *", "unfreezeHours": 48, "force": False,
                     "activeDeadlineSeconds": 300},
        "alerts": {"consecutiveFailures": 3, "billDownloadFailures": 3},
        "successfulRunsHistoryLimit": 3,
        "failedRunsHistoryLimit": 3,
    },
}

RUN_FIELDS = {"runID", "trigger", "scheduledTime", "startTime", "completionTime", "outcome", "dryRun",
              "message", "counts"}
OUTCOMES = ["Succeeded", "Failed", "PartiallyFailed", "DeadlineExceeded", "Cancelled"]
ATP_STATUS = {"observedGeneration", "conditions", "lastScheduleTime", "lastSuccessfulTime",
              "nextScheduleTime", "active", "consecutiveFailures", "lastRun", "recentRuns", "backlog",
              "lastHandledRunNow"}
TASK_STATUS = {"lastScheduleTime", "lastSuccessfulTime", "nextScheduleTime", "active",
               "consecutiveFailures", "lastRun", "recentRuns", "lastHandledRunNow"}
COUNTS = {
    "aftersales": {"selected", "approved", "cancelled", "received", "failed", "deadlinesSet"},
    "sync": {"selected", "updated", "finished", "stuck", "failed"},
    "billDownload": {"applied", "downloaded", "notReady", "expired", "failed"},
    "retry": {"selected", "resubmitted", "finallyFailed", "skipped", "failed"},
    "unfreeze": {"selected", "unfrozen", "nothingToUnfreeze", "skipped", "failed"},
}

VALID_SCHEDULES = [
    "0 * * * *", "*/5 * * * *", "0 */2 * * *", "*/30 * * * *", "59 23 31 12 6", "0 9 * * MON-FRI",
    "0 0 1 jan,jul sun", "0,15,30,45 * * * *", "5/15 * * * *", "0-59/15 8-18 * * 1-5", "? ? ? ? ?",
    "00 00 01 01 00", "  0  *  *  *  *  ", "0\t0\t*\t*\t*", "@hourly", "@daily", "@midnight",
    "@weekly", "@monthly", "@yearly", "@annually", "@every 1h30m", "@every 90s", "@every 1.5h",
]
INVALID_SCHEDULES = [
    "", "61 * * * *", "60 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 32 * *", "0 0 * 0 *",
    "0 0 * 13 *", "0 0 * * 7", "0 * * * * *", "0 * * *", "*/0 * * * *", "1-2-3 * * * *",
    "1/2/3 * * * *", "TZ=UTC 0 * * * *", "CRON_TZ=Asia/Shanghai 0 * * * *", "@reboot", "@Hourly",
    " @hourly", "@hourly ", "@every", "@every 5", "@every 1d", "0 0 L * *", "0 0 * * MON#1",
    "JAN * * * *", "0 0 1W * *",
]
VALID_ZONES = ["UTC", "Asia/Shanghai", "America/Argentina/ComodRivadavia", "Etc/GMT+8", "Etc/GMT-14",
               "America/Port-au-Prince", "EST5EDT", "America/Indiana/Indianapolis"]
INVALID_ZONES = ["", "Asia/", "/UTC", "-UTC", "../etc/passwd", "Asia/Shanghai ", "TZ=Asia/Shanghai",
                 "America/Argentina/ComodRivadaviaX", "Asia//Shanghai", ".", ".."]
VALID_DURATIONS = ["72h", "168h", "90m", "1h30m", "1.5h", "300ms", "45s", "2us", "2µs", "10ns"]
INVALID_DURATIONS = ["", "3d", "72", "-1h", "h", "1 h", "1h ", "1.h", "P3D"]
VALID_MCH_IDS = ["1900009191", "1230000109"]
INVALID_MCH_IDS = ["", "19000O9191", "1900009191 ", "-1900009191", "1" * 33]


def node(schema, dotted):
    for part in dotted.split("."):
        schema = schema["properties"][part]
    return schema


class NamesAndColumns(unittest.TestCase):
    def test_names_scope_versions_and_subresources(self):
        for kind, names in NAMES.items():
            with self.subTest(kind=kind):
                crd = load_yaml_file(crd_path(kind))
                self.assertEqual(crd["apiVersion"], "apiextensions.k8s.io/v1")
                self.assertEqual(crd["kind"], "CustomResourceDefinition")
                self.assertEqual(crd["metadata"]["name"], f"{names['plural']}.orderops.io")
                spec = crd["spec"]
                self.assertEqual(spec["group"], "orderops.io")
                self.assertEqual(spec["scope"], "Namespaced")
                self.assertEqual(spec["names"], names)
                self.assertEqual(len(spec["versions"]), 1)
                version = spec["versions"][0]
                self.assertEqual((version["name"], version["served"], version["storage"]),
                                 ("v1alpha1", True, True))
                self.assertEqual(version["subresources"], {"status": {}})

    def test_printer_columns(self):
        for kind, columns in COLUMNS.items():
            with self.subTest(kind=kind):
                version = load_yaml_file(crd_path(kind))["spec"]["versions"][0]
                got = [(c["name"], c["type"], c["jsonPath"]) for c in version["additionalPrinterColumns"]]
                self.assertEqual(got, columns)
                self.assertTrue(all(c.get("priority", 0) == 0 for c in version["additionalPrinterColumns"]))

    def test_kustomization_lists_both(self):
        kustomization = load_yaml_file(repo_root() / "crds" / "kustomization.yaml")
        self.assertEqual(sorted(kustomization["resources"]),
                         sorted(crd_path(k).name for k in NAMES))


class StructuralSchema(unittest.TestCase):
    def test_every_node_has_a_type_and_known_shape(self):
        for kind in NAMES:
            schema = crd_schema(kind)
            for path, n in walk(schema):
                with self.subTest(kind=kind, path=path):
                    self.assertIn("type", n, "structural schemas need a type on every node")
                    self.assertNotIn("x-kubernetes-preserve-unknown-fields", n)
                    self.assertNotIn("$ref", n)
                    for combinator in ("allOf", "anyOf", "oneOf", "not"):
                        self.assertNotIn(combinator, n)
                    if n["type"] == "object" and path != "metadata":
                        self.assertIn("properties", n, "free-form object: describe its fields")
                        self.assertNotIn("additionalProperties", n)
                    if n["type"] == "array":
                        self.assertIn("items", n)
                    for key in n.get("required", []):
                        self.assertIn(key, n.get("properties", {}))
                    if "pattern" in n:
                        re.compile(n["pattern"])
                        self.assertTrue(n["pattern"].startswith("^") and n["pattern"].endswith("$"),
                                        "patterns are searched, not matched: anchor them")

    def test_defaults_are_valid_for_their_node(self):
        for kind in NAMES:
            for path, n in walk(crd_schema(kind)):
                if "default" in n:
                    with self.subTest(kind=kind, path=path):
                        defaulted = apply_defaults(n, n["default"])
                        self.assertEqual(validate(n, defaulted, path), [])

    def test_objects_with_defaulted_children_default_to_empty(self):
        # Without `default: {}` on the parent, a child's default only applies when the user wrote
        # the parent: `timeouts` left out would leave pendingApproval.after unset.
        for kind in NAMES:
            spec = node(crd_schema(kind), "spec")
            for path, n in walk(spec, "spec"):
                if path == "spec" or n.get("type") != "object":
                    continue
                has_defaults = any("default" in c for c in n.get("properties", {}).values())
                required = n.get("required", [])
                if has_defaults and not required and path.count(".") >= 1:
                    parent_is_optional_ref = path.endswith("caSecretRef")
                    if not parent_is_optional_ref:
                        with self.subTest(kind=kind, path=path):
                            self.assertEqual(n.get("default"), {})

    def test_conditions_are_a_map_keyed_by_type(self):
        for kind in NAMES:
            with self.subTest(kind=kind):
                conditions = node(crd_schema(kind), "status.conditions")
                self.assertEqual(conditions["type"], "array")
                self.assertEqual(conditions["x-kubernetes-list-type"], "map")
                self.assertEqual(conditions["x-kubernetes-list-map-keys"], ["type"])
                items = conditions["items"]
                self.assertEqual(set(items["required"]),
                                 {"type", "status", "lastTransitionTime", "reason", "message"})
                self.assertEqual(items["properties"]["status"]["enum"], ["True", "False", "Unknown"])
                self.assertEqual(set(items["properties"]),
                                 {"type", "status", "observedGeneration", "lastTransitionTime",
                                  "reason", "message"})


class Defaults(unittest.TestCase):
    def test_minimal_spec_gets_every_api_md_default_and_nothing_else(self):
        for kind in NAMES:
            with self.subTest(kind=kind):
                schema = node(crd_schema(kind), "spec")
                self.maxDiff = None
                self.assertEqual(apply_defaults(schema, MINIMAL[kind]), DEFAULTED[kind])

    def test_defaulted_minimal_spec_is_valid(self):
        for kind in NAMES:
            with self.subTest(kind=kind):
                obj = {"apiVersion": "orderops.io/v1alpha1", "kind": kind,
                       "metadata": {"name": "x", "namespace": "shop"}, "spec": MINIMAL[kind]}
                schema = crd_schema(kind)
                self.assertEqual(validate(schema, apply_defaults(schema, obj)), [])

    def test_optional_without_default(self):
        # Unset has a meaning of its own (api.md 1.1, 1.3): no default may hide it.
        atp, pss = node(crd_schema(ATP), "spec"), node(crd_schema(PSS), "spec")
        self.assertNotIn("default", atp["properties"]["startingDeadlineSeconds"])
        self.assertNotIn("default", pss["properties"]["caSecretRef"])
        for task in ("sync", "billDownload", "retry", "unfreeze"):
            self.assertNotIn("default", pss["properties"][task]["properties"]["startingDeadlineSeconds"])


class Ranges(unittest.TestCase):
    CASES = [
        (ATP, "spec.batchSize", 1, 10000), (ATP, "spec.parallelism", 1, 16),
        (ATP, "spec.activeDeadlineSeconds", 1, None), (ATP, "spec.startingDeadlineSeconds", 0, None),
        (ATP, "spec.maxRecordsPerRun", 0, None), (ATP, "spec.alerts.consecutiveFailures", 1, None),
        (PSS, "spec.sync.batchSize", 1, 10000), (PSS, "spec.sync.activeDeadlineSeconds", 1, None),
        (PSS, "spec.requestsPerSecond", 1, None), (PSS, "spec.maxConcurrentRequests", 1, None),
        (PSS, "spec.retry.maxRetry", 0, None), (PSS, "spec.alerts.billDownloadFailures", 1, None),
    ]

    def test_ranges(self):
        for kind, path, low, high in self.CASES:
            with self.subTest(kind=kind, path=path):
                n = node(crd_schema(kind), path)
                self.assertEqual(n["type"], "integer")
                self.assertEqual(n.get("minimum"), low)
                if high is not None:
                    self.assertEqual(n.get("maximum"), high)
                self.assertEqual(validate(n, low, path), [])
                self.assertNotEqual(validate(n, low - 1, path), [])
                if high is not None:
                    self.assertNotEqual(validate(n, high + 1, path), [])

    def test_enums(self):
        policies = ["Forbid", "Replace", "Allow"]
        self.assertEqual(node(crd_schema(ATP), "spec.concurrencyPolicy")["enum"], policies)
        self.assertEqual(node(crd_schema(PSS), "spec.concurrencyPolicy")["enum"], policies)
        self.assertEqual(node(crd_schema(PSS), "spec.billDownload.tarType")["enum"], ["GZIP"])


class Status(unittest.TestCase):
    def check_run_record(self, record, counts):
        self.assertEqual(set(record["properties"]), RUN_FIELDS)
        self.assertEqual(record["properties"]["outcome"]["enum"], OUTCOMES)
        self.assertEqual(record["properties"]["trigger"]["enum"], ["Schedule", "Manual"])
        self.assertEqual(set(record["properties"]["counts"]["properties"]), counts)

    def test_atp_status_shape(self):
        status = node(crd_schema(ATP), "status")
        self.assertEqual(set(status["properties"]), ATP_STATUS)
        self.check_run_record(status["properties"]["lastRun"], COUNTS["aftersales"])
        self.check_run_record(status["properties"]["recentRuns"]["items"], COUNTS["aftersales"])
        self.assertEqual(set(status["properties"]["backlog"]["properties"]),
                         {"pendingApproval", "pendingReturn", "pendingReceive", "total",
                          "oldestOverdueSeconds", "observedTime"})
        self.assertTrue({"runID", "scheduledTime", "startTime"} <= set(status["properties"]["active"]["properties"]))

    def test_pss_status_shape(self):
        status = node(crd_schema(PSS), "status")
        self.assertEqual(set(status["properties"]),
                         {"observedGeneration", "conditions", "tasks", "ordersStuck",
                          "receiversFinallyFailed"})
        tasks = status["properties"]["tasks"]["properties"]
        self.assertEqual(set(tasks), {"sync", "billDownload", "retry", "unfreeze"})
        for task, shape in tasks.items():
            with self.subTest(task=task):
                self.assertEqual(set(shape["properties"]), TASK_STATUS)
                self.check_run_record(shape["properties"]["lastRun"], COUNTS[task])
                self.check_run_record(shape["properties"]["recentRuns"]["items"], COUNTS[task])

    def test_status_is_not_defaulted_or_required(self):
        # The controller owns status; defaults there would fight its writes.
        for kind in NAMES:
            for path, n in walk(node(crd_schema(kind), "status"), "status"):
                with self.subTest(kind=kind, path=path):
                    self.assertNotIn("default", n)
                    if path != "status.conditions[]":
                        self.assertNotIn("required", n)


class Patterns(unittest.TestCase):
    def schedule_nodes(self):
        yield node(crd_schema(ATP), "spec.schedule")
        for task in ("sync", "billDownload", "retry", "unfreeze"):
            yield node(crd_schema(PSS), f"spec.{task}.schedule")

    def check(self, n, valid, invalid):
        for value in valid:
            with self.subTest(value=value):
                self.assertEqual(validate(n, value), [], f"{value!r} must be accepted")
        for value in invalid:
            with self.subTest(value=value):
                self.assertNotEqual(validate(n, value), [], f"{value!r} must be refused")

    def test_cron(self):
        nodes = list(self.schedule_nodes())
        self.assertTrue(all(n["pattern"] == nodes[0]["pattern"] for n in nodes))
        self.check(nodes[0], VALID_SCHEDULES, INVALID_SCHEDULES)

    def test_time_zone(self):
        for kind in NAMES:
            self.check(node(crd_schema(kind), "spec.timeZone"), VALID_ZONES, INVALID_ZONES)

    def test_durations(self):
        for state in ("pendingApproval", "pendingReturn", "pendingReceive"):
            self.check(node(crd_schema(ATP), f"spec.timeouts.{state}.after"), VALID_DURATIONS,
                       INVALID_DURATIONS)

    def test_mch_id(self):
        merchant = node(crd_schema(PSS), "spec.merchant")
        self.assertEqual(set(merchant["required"]), {"mchId", "credentialsSecretRef"})
        self.check(merchant["properties"]["mchId"], VALID_MCH_IDS, INVALID_MCH_IDS)
        self.check(merchant["properties"]["subMchId"], ["", "1900000109"], ["sub-1", "19000O0109"])

    def test_endpoint_and_storage_path(self):
        self.check(node(crd_schema(PSS), "spec.endpoint"),
                   ["https://api.mch.weixin.qq.com", "http://127.0.0.1:18443", "https://mock:8443/base"],
                   ["api.mch.weixin.qq.com", "ftp://x", "https://", "https://a b"])
        self.check(node(crd_schema(PSS), "spec.billDownload.storagePath"),
                   ["/var/lib/orderops/bills", "/data"], ["bills", "", "./bills"])


if __name__ == "__main__":
    unittest.main(verbosity=1)
