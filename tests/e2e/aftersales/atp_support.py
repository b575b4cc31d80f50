"""AftersalesTimeoutPolicy helpers for the e2e suite: policy manifests, seeding order_aftersales
(jobs.md section 1) with one INSERT ... SELECT generate_series per call, and reading back what
the runs did (row states, audit rows, status, metrics)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from orderops_e2e import condition, condition_is, wait_for  # noqa: E402,F401

TIMED_STATES = ("pending_approval", "pending_return", "pending_receive")
# jobs.md section 2: from -> (to, audit action, status.lastRun.counts key)
TRANSITIONS = {
    "pending_approval": ("approved", "AUTO_APPROVE", "approved"),
    "pending_return": ("cancelled", "TIMEOUT_PROCESS", "cancelled"),
    "pending_receive": ("pending_refund", "TIMEOUT_PROCESS", "received"),
}
RUN_NOW = "orderops.io/run-now"
# A schedule that does not fire while a test runs (once a year, 1 January 00:00 UTC).
NEVER = "0 0 1 1 *"


def policy(name, namespace, secret="shop-db", schedule=NEVER, annotations=None, **spec):
    """An AftersalesTimeoutPolicy manifest; keyword arguments override spec fields."""
    body = {"schedule": schedule, "timeZone": "UTC", "batchSize": 100, "parallelism": 1,
            "database": {"secretRef": {"name": secret, "key": "uri"}}}
    body.update(spec)
    meta = {"name": name, "namespace": namespace}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": "orderops.io/v1alpha1", "kind": "AftersalesTimeoutPolicy",
            "metadata": meta, "spec": body}


# seeding -----------------------------------------------------------------------------------------
def seed(pg, database, first_id, count, states=TIMED_STATES, due="overdue", types=None):
    """Inserts rows first_id..first_id+count-1 in one statement; row i gets states[i % n] and
    type types[i % m] (default: return_refund/exchange alternating, the types pending_return
    applies to). due: "overdue" (deadline 1h ago, a little older per row), "future" (in 1h) or
    "none" (NULL). Returns {state: rows}."""
    types = list(types or ("return_refund", "exchange"))
    deadline = {"overdue": "now() - interval '1 hour' - (g - %(first)s) * interval '1 ms'",
                "future": "now() + interval '1 hour'",
                "none": "NULL"}[due]
    pg.execute(
        "INSERT INTO order_aftersales (id, type, reference_number, state, stage, "
        "auto_process_time, refund_amount, create_time, update_time) "
        "SELECT g, (%(types)s)[1 + (g - %(first)s) %% %(ntypes)s], 'AS-E2E-' || g, "
        "(%(states)s)[1 + (g - %(first)s) %% %(nstates)s], 'apply', " + deadline + ", 10.00, "
        "now() - interval '10 days', now() - interval '10 days' "
        "FROM generate_series(%(first)s, %(last)s) AS g",
        {"types": types, "ntypes": len(types), "states": list(states), "nstates": len(states),
         "first": first_id, "last": first_id + count - 1}, database=database)
    out = {}
    for i in range(count):
        s = states[i % len(states)]
        out[s] = out.get(s, 0) + 1
    return out


# reading the database ----------------------------------------------------------------------------
def state_counts(pg, database, first_id, last_id):
    rows = pg.query("SELECT state, count(*) FROM order_aftersales WHERE id BETWEEN %s AND %s "
                    "GROUP BY state", (first_id, last_id), database=database)
    return {s: n for s, n in rows}


def audit_counts(pg, database, first_id, last_id):
    """{(action, previous_state, current_state): rows} of the audit log for an id range."""
    rows = pg.query("SELECT action, previous_state, current_state, count(*) "
                    "FROM order_aftersales_logs WHERE aftersales_id BETWEEN %s AND %s "
                    "GROUP BY 1, 2, 3", (first_id, last_id), database=database)
    return {(a, p, c): n for a, p, c, n in rows}


def expected_audit(seeded):
    """The audit rows a complete run writes for `seeded` ({state: rows})."""
    out = {}
    for state, n in seeded.items():
        to, action, _ = TRANSITIONS[state]
        out[(action, state, to)] = n
    return out


def overdue_left(pg, database):
    """Rows a run with every timeout enabled would still select."""
    return pg.query("SELECT count(*) FROM order_aftersales WHERE auto_process_time <= now() AND "
                    "(state IN ('pending_approval', 'pending_receive') OR "
                    "(state = 'pending_return' AND type IN ('return_refund', 'exchange')))",
                    database=database)[0][0]


# reading the resource ----------------------------------------------------------------------------
def get_policy(env, namespace, name):
    return env.kubectl.get("atp", name, namespace)


def last_run(obj):
    return (obj or {}).get("status", {}).get("lastRun")


def wait_policy(env, namespace, name, predicate, timeout, what):
    """The policy once predicate(policy) holds (status observed for the current generation)."""
    def check():
        obj = get_policy(env, namespace, name)
        if obj and obj.get("status", {}).get("observedGeneration") == \
                obj["metadata"].get("generation") and predicate(obj):
            return obj
        return None
    return wait_for(check, timeout, "%s/%s: %s" % (namespace, name, what), interval=0.25)


def runs_total(manager, namespace, name, trigger=None, outcome=None):
    """orderops_runs_total of one policy on one replica, summed over outcomes (or one)."""
    labels = {"namespace": namespace, "name": name, "task": "aftersales"}
    if trigger:
        labels["trigger"] = trigger
    if outcome:
        labels["outcome"] = outcome
    return manager.metrics().sum("orderops_runs_total", **labels)


def events(env, namespace, name, reason=None):
    return [e for e in env.kubectl.events(namespace, name, kind="AftersalesTimeoutPolicy")
            if reason is None or e.get("reason") == reason]
