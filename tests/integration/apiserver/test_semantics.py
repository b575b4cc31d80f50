"""Protocol-level facts a Go client (client-go, controller-runtime) relies on, checked over raw
HTTP against orderops-test-apiserver: generation and /status rules, optimistic concurrency and
the exact Status bodies, watch framing, resume, bookmarks, timeouts and the 410 ERROR event,
paging, finalizers, fieldValidation, discovery, Tables, and the admin fault injection."""

import json
import time
import unittest

from harness import ServerTestCase, crd_files, load_yaml, read_events, sample

ATP_PATH = "/apis/orderops.io/v1alpha1/namespaces/sem/aftersalestimeoutpolicies"
CM_PATH = "/api/v1/namespaces/sem/configmaps"
MERGE = "application/merge-patch+json"


class SemanticsTest(ServerTestCase):
    server_args = ("--bookmark-interval=300ms", "--watch-history=200")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        args = ["apply"]
        for f in crd_files():
            args += ["-f", f]
        cls.server.kubectl(*args)
        cls.server.request("POST", "/api/v1/namespaces", {"metadata": {"name": "sem"}})

    def req(self, *args, **kwargs):
        return self.server.request(*args, **kwargs)

    def create_atp(self, name, **meta):
        body = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        body["metadata"] = dict({"name": name}, **meta)
        code, _, obj = self.req("POST", ATP_PATH, body)
        self.assertEqual(code, 201, obj)
        return obj

    def test_generation_moves_only_on_spec_changes(self):
        obj = self.create_atp("gen")
        self.assertEqual(obj["metadata"]["generation"], 1)
        self.assertNotIn("status", obj)
        obj["metadata"]["labels"] = {"a": "b"}
        obj["metadata"]["annotations"] = {"c": "d"}
        obj["status"] = {"observedGeneration": 7}
        code, _, obj = self.req("PUT", ATP_PATH + "/gen", obj)
        self.assertEqual((code, obj["metadata"]["generation"]), (200, 1))
        self.assertNotIn("status", obj, "the main endpoint must ignore status")
        obj["spec"]["batchSize"] = 555
        code, _, obj = self.req("PUT", ATP_PATH + "/gen", obj)
        self.assertEqual((code, obj["metadata"]["generation"]), (200, 2))
        obj["spec"]["batchSize"] = 1
        obj["metadata"]["labels"] = {"changed": "by-status"}
        obj["status"] = {"observedGeneration": 2}
        code, _, st = self.req("PUT", ATP_PATH + "/gen/status", obj)
        self.assertEqual(code, 200, st)
        self.assertEqual(st["status"], {"observedGeneration": 2})
        self.assertEqual(st["spec"]["batchSize"], 555, "/status must ignore spec")
        self.assertEqual(st["metadata"]["labels"], {"a": "b"}, "/status must ignore labels")
        self.assertEqual(st["metadata"]["generation"], 2)
        code, _, got = self.req("GET", ATP_PATH + "/gen/status")
        self.assertEqual((code, got["spec"]["batchSize"]), (200, 555))

    def test_stale_resource_version_is_409_with_status_body(self):
        obj = self.create_atp("stale")
        code, _, _ = self.req("PATCH", ATP_PATH + "/stale", {"metadata": {"labels": {"x": "1"}}},
                              content_type=MERGE)
        self.assertEqual(code, 200)
        code, headers, body = self.req("PUT", ATP_PATH + "/stale", obj)
        self.assertEqual(code, 409)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(body, {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": 'Operation cannot be fulfilled on aftersalestimeoutpolicies.orderops.io '
                       '"stale": the object has been modified; please apply your changes to the '
                       'latest version and try again',
            "reason": "Conflict",
            "details": {"name": "stale", "group": "orderops.io", "kind": "aftersalestimeoutpolicies"},
            "code": 409})
        # A resourceVersion inside a merge patch is a precondition.
        code, _, body = self.req("PATCH", ATP_PATH + "/stale",
                                 {"metadata": {"resourceVersion": obj["metadata"]["resourceVersion"]}},
                                 content_type=MERGE)
        self.assertEqual((code, body["reason"]), (409, "Conflict"))
        del obj["metadata"]["resourceVersion"]
        code, _, body = self.req("PUT", ATP_PATH + "/stale", obj)
        self.assertEqual(code, 422)
        self.assertEqual(body["message"], 'AftersalesTimeoutPolicy.orderops.io "stale" is invalid: '
                         'metadata.resourceVersion: Invalid value: "0x0": must be specified for an update')

    def test_already_exists_and_not_found_bodies(self):
        self.create_atp("twice")
        body = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        body["metadata"] = {"name": "twice"}
        code, _, st = self.req("POST", ATP_PATH, body)
        self.assertEqual((code, st["reason"]), (409, "AlreadyExists"))
        self.assertEqual(st["message"], 'aftersalestimeoutpolicies.orderops.io "twice" already exists')
        code, _, st = self.req("GET", CM_PATH + "/missing")
        self.assertEqual((code, st["message"]), (404, 'configmaps "missing" not found'))
        body["metadata"] = {"name": "x", "namespace": "other"}
        code, _, st = self.req("POST", ATP_PATH, body)
        self.assertEqual((code, st["reason"]), (400, "BadRequest"))

    def test_malformed_bodies_are_400(self):
        code, _, st = self.req("POST", CM_PATH, {"metadata": {"name": 7}})
        self.assertEqual((code, st["kind"], st["reason"]), (400, "Status", "BadRequest"))
        code, _, st = self.req("POST", CM_PATH, "{not json")
        self.assertEqual((code, st["reason"]), (400, "BadRequest"))
        self.assertEqual(self.req("GET", "/version")[0], 200, "the server survived")

    def test_watch_from_compacted_version_gets_410_error_event(self):
        code, _, cm = self.req("POST", CM_PATH, {"metadata": {"name": "compacted"}})
        rv = cm["metadata"]["resourceVersion"]
        self.req("PATCH", CM_PATH + "/compacted", {"data": {"a": "b"}}, content_type=MERGE)
        floor = self.server.admin_call("POST", "/compact", {})["historyFloor"]
        with self.server.open_stream(CM_PATH + "?watch=true&resourceVersion=" + rv) as s:
            self.assertEqual(s.status, 200)
            events = read_events(s, 2, timeout=5)
        self.assertEqual(events, [{"type": "ERROR", "object": {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "too old resource version: %s (%s)" % (rv, floor),
            "reason": "Expired", "code": 410}}])
        code, _, st = self.req("GET", CM_PATH + "?resourceVersion=%s&resourceVersionMatch=Exact" % rv)
        self.assertEqual((code, st["reason"]), (410, "Expired"))

    def test_watch_resume_selectors_and_deleted_rv(self):
        code, _, a = self.req("POST", CM_PATH, {"metadata": {"name": "w1", "labels": {"app": "x"}}})
        rv = a["metadata"]["resourceVersion"]
        with self.server.open_stream(CM_PATH + "?watch=True&labelSelector=app%3Dx&resourceVersion=" + rv) as s:
            self.req("PATCH", CM_PATH + "/w1", {"metadata": {"labels": {"app": "y"}}}, content_type=MERGE)
            self.req("PATCH", CM_PATH + "/w1", {"metadata": {"labels": {"app": "x"}}}, content_type=MERGE)
            code, _, st = self.req("DELETE", CM_PATH + "/w1")
            self.assertEqual((code, st["status"]), (200, "Success"))
            events = read_events(s, 3)
        self.assertEqual([e["type"] for e in events], ["DELETED", "ADDED", "DELETED"])
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(rvs, sorted(rvs))
        self.assertGreater(rvs[0], int(rv))
        self.assertEqual(events[0]["object"]["metadata"]["labels"], {"app": "x"})

    def test_initial_events_bookmarks_and_timeout(self):
        self.req("POST", CM_PATH, {"metadata": {"name": "b1"}})
        start = time.monotonic()
        with self.server.open_stream(CM_PATH + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=2") as s:
            events = read_events(s, 100, timeout=10)
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertLess(elapsed, 5)
        self.assertEqual(events[0]["type"], "ADDED")
        bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
        self.assertGreaterEqual(len(bookmarks), 2)
        self.assertEqual(bookmarks[0]["object"]["kind"], "ConfigMap")
        self.assertEqual(bookmarks[0]["object"]["apiVersion"], "v1")
        self.assertTrue(bookmarks[0]["object"]["metadata"]["resourceVersion"].isdigit())

    def test_list_paging_and_expired_continue(self):
        for i in range(5):
            self.req("POST", "/api/v1/namespaces/sem/secrets", {"metadata": {"name": "s%d" % i},
                                                               "stringData": {"k": "v%d" % i}})
        code, _, page1 = self.req("GET", "/api/v1/namespaces/sem/secrets?limit=2")
        self.assertEqual([i["metadata"]["name"] for i in page1["items"]], ["s0", "s1"])
        self.assertEqual(page1["metadata"]["remainingItemCount"], 3)
        self.assertEqual(page1["items"][0]["data"], {"k": "djA="})
        token = page1["metadata"]["continue"]
        self.req("DELETE", "/api/v1/namespaces/sem/secrets/s2")
        code, _, page2 = self.req("GET", "/api/v1/namespaces/sem/secrets?limit=2&continue=" + token)
        self.assertEqual([i["metadata"]["name"] for i in page2["items"]], ["s2", "s3"],
                         "pages come from the first page's snapshot")
        self.assertEqual(page2["metadata"]["resourceVersion"], page1["metadata"]["resourceVersion"])
        self.server.admin_call("POST", "/compact", {})
        code, _, st = self.req("GET", "/api/v1/namespaces/sem/secrets?limit=2&continue=" +
                               page2["metadata"]["continue"])
        self.assertEqual((code, st["reason"]), (410, "Expired"))

    def test_finalizers_and_deletion(self):
        self.create_atp("fin", finalizers=["orderops.io/x"])
        code, _, obj = self.req("DELETE", ATP_PATH + "/fin")
        self.assertEqual(code, 200)
        self.assertEqual(obj["kind"], "AftersalesTimeoutPolicy")
        self.assertIn("deletionTimestamp", obj["metadata"])
        self.assertEqual(obj["metadata"]["deletionGracePeriodSeconds"], 0)
        self.assertEqual(obj["metadata"]["generation"], 2)
        code, _, st = self.req("PATCH", ATP_PATH + "/fin",
                               {"metadata": {"finalizers": ["orderops.io/x", "orderops.io/y"]}},
                               content_type=MERGE)
        self.assertEqual(code, 422)
        self.assertIn('no new finalizers can be added if the object is being deleted, found new '
                      'finalizers []string{"orderops.io/y"}', st["message"])
        rv = obj["metadata"]["resourceVersion"]
        with self.server.open_stream(ATP_PATH + "?watch=true&resourceVersion=" + rv) as s:
            code, _, _ = self.req("PATCH", ATP_PATH + "/fin", {"metadata": {"finalizers": None}},
                                  content_type=MERGE)
            self.assertEqual(code, 200)
            events = read_events(s, 1)
        self.assertEqual(events[0]["type"], "DELETED")
        self.assertEqual(self.req("GET", ATP_PATH + "/fin")[0], 404)

    def test_field_validation_modes(self):
        body = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        body["metadata"] = {"name": "fv"}
        body["spec"]["bogus"] = 1
        code, _, st = self.req("POST", ATP_PATH + "?fieldValidation=Strict", body)
        self.assertEqual(code, 400)
        self.assertEqual(st["message"], 'AftersalesTimeoutPolicy in version "v1alpha1" cannot be '
                         'handled as a AftersalesTimeoutPolicy: strict decoding error: unknown '
                         'field "spec.bogus"')
        code, headers, obj = self.req("POST", ATP_PATH + "?fieldValidation=Warn", body)
        self.assertEqual(code, 201)
        self.assertEqual(headers["Warning"], '299 - "unknown field \\"spec.bogus\\""')
        self.assertNotIn("bogus", obj["spec"])
        body["metadata"] = {"name": "fv2"}
        code, headers, obj = self.req("POST", ATP_PATH + "?fieldValidation=Ignore", body)
        self.assertEqual(code, 201)
        self.assertIsNone(headers["Warning"])
        self.assertNotIn("bogus", obj["spec"])

    def test_patch_media_types(self):
        self.create_atp("media")
        code, _, st = self.req("PATCH", ATP_PATH + "/media", {"metadata": {"labels": {"a": "b"}}},
                               content_type="application/strategic-merge-patch+json")
        self.assertEqual((code, st["reason"]), (415, "UnsupportedMediaType"))
        code, _, obj = self.req("PATCH", ATP_PATH + "/media",
                                [{"op": "replace", "path": "/spec/batchSize", "value": 77}],
                                content_type="application/json-patch+json")
        self.assertEqual((code, obj["spec"]["batchSize"], obj["metadata"]["generation"]), (200, 77, 2))
        self.req("POST", CM_PATH, {"metadata": {"name": "smp", "finalizers": ["a/b"]}, "data": {"x": "1"}})
        code, _, cm = self.req("PATCH", CM_PATH + "/smp",
                               {"data": {"y": "2"}, "metadata": {"finalizers": ["c/d"]},
                                "$setElementOrder/finalizers": ["a/b", "c/d"]},
                               content_type="application/strategic-merge-patch+json")
        self.assertEqual(code, 200, cm)
        self.assertEqual(cm["data"], {"x": "1", "y": "2"})
        self.assertEqual(cm["metadata"]["finalizers"], ["a/b", "c/d"])

    def test_auth_discovery_openapi_and_tables(self):
        self.assertEqual(self.req("GET", "/api/v1/namespaces", token="")[0], 401)
        code, _, st = self.req("GET", "/api/v1/namespaces", token="wrong")
        self.assertEqual((code, st["reason"]), (401, "Unauthorized"))
        code, _, version = self.req("GET", "/version", token="")
        self.assertEqual((code, version["minor"]), (200, "32"))
        code, headers, agg = self.req("GET", "/apis", headers={"Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"})
        self.assertEqual(headers["Content-Type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        groups = {i["metadata"]["name"]: i for i in agg["items"]}
        res = groups["orderops.io"]["versions"][0]["resources"]
        self.assertIn("atp", [r for x in res for r in x.get("shortNames", [])])
        code, _, legacy = self.req("GET", "/apis/orderops.io/v1alpha1")
        names = [r["name"] for r in legacy["resources"]]
        self.assertIn("aftersalestimeoutpolicies/status", names)
        code, _, index = self.req("GET", "/openapi/v3")
        url = index["paths"]["apis/orderops.io/v1alpha1"]["serverRelativeURL"]
        code, _, doc = self.req("GET", url)
        patches = [p["patch"] for p in doc["paths"].values() if "patch" in p]
        self.assertTrue(any(op["x-kubernetes-group-version-kind"]["kind"] == "AftersalesTimeoutPolicy"
                            and "fieldValidation" in [q["name"] for q in op["parameters"]]
                            for op in patches))
        self.create_atp("table")
        code, _, table = self.req("GET", ATP_PATH, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
        self.assertEqual(table["kind"], "Table")
        self.assertTrue(table["metadata"]["resourceVersion"].isdigit())
        self.assertEqual(table["columnDefinitions"][0]["name"], "Name")
        row = [r for r in table["rows"] if r["cells"][0] == "table"][0]
        self.assertEqual(row["object"]["kind"], "PartialObjectMetadata")

    def test_events_field_selectors_and_events_v1(self):
        ev = {"metadata": {"name": "e1"}, "involvedObject": {"kind": "AftersalesTimeoutPolicy",
              "name": "gen", "namespace": "sem", "uid": "u-1"}, "reason": "RunFailed",
              "message": "boom", "type": "Warning", "eventTime": "2026-01-01T00:00:00.000001Z",
              "reportingComponent": "orderops", "reportingInstance": "pod-1", "action": "Run"}
        code, _, _ = self.req("POST", "/api/v1/namespaces/sem/events", ev)
        self.assertEqual(code, 201)
        code, _, lst = self.req("GET", "/api/v1/namespaces/sem/events?fieldSelector=involvedObject.name%3Dgen,involvedObject.uid%3Du-1,involvedObject.kind%3DAftersalesTimeoutPolicy")
        self.assertEqual([e["metadata"]["name"] for e in lst["items"]], ["e1"])
        code, _, lst = self.req("GET", "/api/v1/namespaces/sem/events?fieldSelector=involvedObject.name%3Dother")
        self.assertEqual(lst["items"], [])
        code, _, v1 = self.req("GET", "/apis/events.k8s.io/v1/namespaces/sem/events/e1")
        self.assertEqual((v1["regarding"]["name"], v1["note"], v1["reportingController"]),
                         ("gen", "boom", "orderops"))
        bad = dict(ev, metadata={"name": "e2"}, involvedObject=dict(ev["involvedObject"], namespace="x"))
        code, _, st = self.req("POST", "/api/v1/namespaces/sem/events", bad)
        self.assertEqual(code, 422)
        self.assertIn("involvedObject.namespace: Invalid value: \"x\": does not match event.namespace", st["message"])

    def test_lease_micro_time_is_strict(self):
        lease = {"metadata": {"name": "l1"}, "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15,
                 "renewTime": "2026-01-01T08:00:00.000001+08:00"}}
        code, _, obj = self.req("POST", "/apis/coordination.k8s.io/v1/namespaces/sem/leases", lease)
        self.assertEqual((code, obj["spec"]["renewTime"]), (201, "2026-01-01T00:00:00.000001Z"))
        lease["metadata"]["name"] = "l2"
        lease["spec"]["renewTime"] = "2026-01-01T00:00:00Z"
        code, _, st = self.req("POST", "/apis/coordination.k8s.io/v1/namespaces/sem/leases", lease)
        self.assertEqual((code, st["reason"]), (400, "BadRequest"))

    def test_admin_faults(self):
        s = self.server
        s.admin_call("POST", "/faults", {"method": "GET", "pathPrefix": CM_PATH, "count": 1,
                                         "status": 429, "retryAfterSeconds": 3})
        code, headers, st = self.req("GET", CM_PATH)
        self.assertEqual((code, headers["Retry-After"], st["reason"]), (429, "3", "TooManyRequests"))
        self.assertEqual(self.req("GET", CM_PATH)[0], 200, "a fault applies to N requests only")
        s.admin_call("POST", "/faults", {"method": "PUT", "count": 2, "status": 500})
        self.assertEqual(self.req("GET", CM_PATH)[0], 200)
        s.admin_call("POST", "/faults", {"pathPrefix": "/api/v1/namespaces/sem/secrets", "status": 409})
        self.assertEqual(self.req("GET", "/api/v1/namespaces/sem/secrets")[2]["reason"], "Conflict")
        s.admin_call("DELETE", "/faults")
        s.admin_call("POST", "/faults", {"count": 1, "hangMilliseconds": 600, "pathPrefix": "/version"})
        start = time.monotonic()
        self.assertEqual(self.req("GET", "/version")[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.55)
        self.req("POST", CM_PATH, {"metadata": {"name": "dropped"}})
        with s.open_stream(CM_PATH + "?watch=true&resourceVersion=0") as stream:
            read_events(stream, 1)
            self.assertGreaterEqual(s.admin_call("POST", "/watches/drop", {"mode": "expired"})["dropped"], 1)
            rest = read_events(stream, 100, timeout=5)
        self.assertEqual(rest[-1]["type"], "ERROR")
        self.assertEqual(rest[-1]["object"]["code"], 410)


if __name__ == "__main__":
    unittest.main()
