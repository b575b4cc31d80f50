"""Helpers of the bad input suite (issue 8): manifests of both kinds, reading conditions and
events, waiting for a resource's status of the current generation, and the "no secret anywhere"
check. Kind-neutral: every helper takes the kind's plural resource name."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from orderops_e2e import condition, condition_is, current, wait_for  # noqa: E402,F401

ATP = "aftersalestimeoutpolicies.orderops.io"
PSS = "profitshareschedules.orderops.io"
KIND = {ATP: "AftersalesTimeoutPolicy", PSS: "ProfitShareSchedule"}
GROUP_VERSION = "orderops.io/v1alpha1"
NEVER = "0 0 1 1 *"  # once a year: only run-now annotations start runs while a test runs
RUN_NOW = "orderops.io/run-now"


def policy(name, namespace, secret="shop-db", **spec):
    """An AftersalesTimeoutPolicy that never fires on its own; kwargs override spec fields."""
    body = {"schedule": NEVER, "timeZone": "UTC",
            "database": {"secretRef": {"name": secret, "key": "uri"}}}
    body.update(spec)
    return {"apiVersion": GROUP_VERSION, "kind": KIND[ATP],
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def schedule(name, namespace, mch_id="1900009191", endpoint="http://127.0.0.1:9/",
             credentials="wechatpay-creds", db_secret="shop-db", **spec):
    """A ProfitShareSchedule whose tasks never fire on their own; kwargs override spec fields
    (task dicts are merged into the NEVER-schedule defaults)."""
    body = {"merchant": {"mchId": mch_id, "credentialsSecretRef": {"name": credentials}},
            "endpoint": endpoint, "timeZone": "UTC",
            "database": {"secretRef": {"name": db_secret, "key": "uri"}},
            "sync": {"schedule": NEVER}, "billDownload": {"schedule": NEVER},
            "retry": {"schedule": NEVER}, "unfreeze": {"schedule": NEVER}}
    for key, value in spec.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = dict(body[key], **value)
        else:
            body[key] = value
    return {"apiVersion": GROUP_VERSION, "kind": KIND[PSS],
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def secret(namespace, name, string_data, type_="Opaque"):
    return {"apiVersion": "v1", "kind": "Secret", "type": type_,
            "metadata": {"name": name, "namespace": namespace}, "stringData": dict(string_data)}


# reading the resource --------------------------------------------------------------------------
def wait_resource(env, resource, namespace, name, predicate, timeout, what):
    """The object once its status is current and predicate(object) holds."""
    def check():
        obj = env.kubectl.get(resource, name, namespace, check=False)
        return obj if current(obj) and predicate(obj) else None
    try:
        return wait_for(check, timeout, "%s %s/%s: %s" % (KIND[resource], namespace, name, what),
                        interval=0.25)
    except AssertionError as e:
        obj = env.kubectl.get(resource, name, namespace, check=False) or {}
        raise AssertionError("%s\nstatus: %s" % (e, json.dumps(obj.get("status")))) from None


def runs_recorded(obj):
    """Every lastRun of the object (ATP: one; PSS: one per task that ran)."""
    status = (obj or {}).get("status", {})
    out = [status["lastRun"]] if status.get("lastRun") else []
    for task in (status.get("tasks") or {}).values():
        if (task or {}).get("lastRun"):
            out.append(task["lastRun"])
    return out


def next_schedule_times(obj):
    status = (obj or {}).get("status", {})
    out = [status["nextScheduleTime"]] if status.get("nextScheduleTime") else []
    for task in (status.get("tasks") or {}).values():
        if (task or {}).get("nextScheduleTime"):
            out.append(task["nextScheduleTime"])
    return out


def warning_events(env, namespace, name, kind, reason):
    return [e for e in env.kubectl.events(namespace, name, kind=kind)
            if e.get("reason") == reason and e.get("type") == "Warning"]


def assert_not_ready(test, env, resource, namespace, name, reason, parts, stalled=True,
                     timeout=45):
    """Ready=False with `reason` and a message holding every string of `parts`; Stalled as
    given (its message equal to Ready's when True); no run recorded and no next schedule time;
    exactly one Warning event with that reason and the same message. Returns the message."""
    obj = wait_resource(env, resource, namespace, name,
                        lambda o: condition_is(o, "Ready", "False", reason), timeout,
                        "Ready=False/" + reason)
    ready = condition(obj, "Ready")
    for part in parts:
        test.assertIn(part, ready["message"], "%s/%s Ready message" % (namespace, name))
    test.assertEqual(ready["observedGeneration"], obj["metadata"]["generation"])
    stalled_condition = condition(obj, "Stalled")
    if stalled:
        test.assertTrue(condition_is(obj, "Stalled", "True", reason), stalled_condition)
        test.assertEqual(stalled_condition["message"], ready["message"])
    else:
        test.assertTrue(condition_is(obj, "Stalled", "False", "Healthy"), stalled_condition)
    test.assertEqual(runs_recorded(obj), [], "%s/%s must not run" % (namespace, name))
    test.assertEqual(next_schedule_times(obj), [],
                     "%s/%s must not be scheduled" % (namespace, name))
    kind = KIND[resource]
    warnings = wait_for(lambda: warning_events(env, namespace, name, kind, reason), 20,
                        "a Warning event %s for %s/%s" % (reason, namespace, name))
    # Only a reason/message change makes a new event, repeats are aggregated into it.
    test.assertEqual([e["message"] for e in warnings], [ready["message"]],
                     "one Warning %s event with the condition's message" % reason)
    return ready["message"]


def assert_no_leak(test, places, secrets):
    """No string of `secrets` (nor a 20-character piece of a long one) in any text of
    places ({where: text})."""
    for where, text in places.items():
        for value in secrets:
            test.assertNotIn(value, text, "secret value in %s" % where)
            for line in value.splitlines():
                line = line.strip()
                if len(line) >= 40 and not line.startswith("-----"):
                    test.assertNotIn(line[:20], text, "secret material in %s" % where)


def everything_visible(env, managers, namespaces):
    """{where: text} of what users and tools see: manager logs, events, both kinds (status
    included), and the metrics."""
    places = {}
    for ns in namespaces:
        places["events of " + ns] = env.kubectl.get_yaml("events", namespace=ns)
        for resource in (ATP, PSS):
            places["%s in %s" % (resource, ns)] = env.kubectl.get_yaml(resource, namespace=ns)
    for m in managers:
        places["log of " + m.name] = m.raw_log()
        places["metrics of " + m.name] = m.metrics_text()
    return places
