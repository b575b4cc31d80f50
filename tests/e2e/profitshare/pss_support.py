"""ProfitShareSchedule helpers for the e2e suite: one environment with the WeChat Pay mock, the
merchant row and Secrets, PSS manifests whose tasks never fire on their own (run-now only),
seeding of orders/receivers (jobs.md section 3, as tests/integration/profitshare/ does) and
reading back status, conditions and rows."""

import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from orderops_e2e import condition, condition_is, wait_for  # noqa: E402,F401
from orderops_e2e.wechatpay_mock import WechatPayMock  # noqa: E402

NEVER = "0 0 1 1 *"  # once a year: scheduled runs never interfere, only run-now annotations
MERCHANT_ROW_ID = 7
RECEIVER = "1900000109"
TASK_STATUS = {"sync": "sync", "download-bill": "billDownload", "retry": "retry",
               "unfreeze": "unfreeze"}
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def start_mock(test_class):
    """The mock of an E2ETestCase class, stopped by a class cleanup (which runs before the
    environment's own, so before the managers that talk to it go)."""
    mock = WechatPayMock(test_class.env.dir)
    test_class.addClassCleanup(mock.stop)
    return mock


def setup_merchant(env, mock, namespace):
    """Namespace, database and credentials Secrets, and the merchant row."""
    env.namespace(namespace)
    env.secret(namespace, "shop-db", {"uri": env.postgres.url})
    env.secret(namespace, "wechatpay-creds", mock.credentials())
    env.postgres.execute("INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (%s, %s) "
                         "ON CONFLICT DO NOTHING", (MERCHANT_ROW_ID, mock.mch_id))


def schedule(name, namespace, mock, storage_path, **overrides):
    """A PSS manifest; every task enabled but only started by run-now. overrides replace (or, for
    task dicts, extend) spec fields."""
    spec = {
        "merchant": {"mchId": mock.mch_id, "credentialsSecretRef": {"name": "wechatpay-creds"}},
        "endpoint": mock.url,
        "database": {"secretRef": {"name": "shop-db", "key": "uri"}},
        "timeZone": "Asia/Shanghai",
        "sync": {"schedule": NEVER},
        "billDownload": {"schedule": NEVER, "storagePath": storage_path, "lookbackDays": 2},
        "retry": {"schedule": NEVER},
        "unfreeze": {"schedule": NEVER},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = dict(spec[key], **value)
        else:
            spec[key] = value
    return {"apiVersion": "orderops.io/v1alpha1", "kind": "ProfitShareSchedule",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


# seeding ---------------------------------------------------------------------------------------
def insert_order(pg, transaction_id, out_order_no, state="PROCESSING", created="now()",
                 kind="SPLIT"):
    return pg.query(
        "INSERT INTO wechat_pay_profit_share_order (merchant_id, sub_mch_id, transaction_id, "
        "out_order_no, state, kind, unfreeze_unsplit, create_time, update_time) VALUES "
        "(%s, '', %s, %s, %s, %s, false, " + created + ", now()) RETURNING id",
        (MERCHANT_ROW_ID, transaction_id, out_order_no, state, kind))[0][0]


def insert_receiver(pg, order_id, account=RECEIVER, amount=100, result="PENDING",
                    fail_reason=None, sequence=0, created="now()"):
    return pg.query(
        "INSERT INTO wechat_pay_profit_share_receiver (order_id, sequence, type, account, name, "
        "amount, description, result, fail_reason, retry_count, next_retry_at, finally_failed, "
        "create_time, update_time) VALUES (%s, %s, 'MERCHANT_ID', %s, NULL, %s, 'split', %s, %s, "
        "0, NULL, false, " + created + ", now()) RETURNING id",
        (order_id, sequence, account, amount, result, fail_reason))[0][0]


def mock_receiver(account=RECEIVER, amount=100):
    return {"type": "MERCHANT_ID", "account": account, "amount": amount, "description": "split"}


def order_state(pg, order_id):
    return pg.query("SELECT state FROM wechat_pay_profit_share_order WHERE id = %s",
                    (order_id,))[0][0]


def let_time_pass(pg):
    """Every backoff of the sync and retry selections is due now (as if time had passed)."""
    pg.execute("UPDATE wechat_pay_profit_share_order SET next_sync_at = now() - interval '1 s' "
               "WHERE next_sync_at IS NOT NULL")
    pg.execute("UPDATE wechat_pay_profit_share_receiver SET next_retry_at = now() - "
               "interval '1 s' WHERE next_retry_at IS NOT NULL")


# reading the resource --------------------------------------------------------------------------
def get_pss(env, namespace, name):
    return env.kubectl.get("profitshareschedules.orderops.io", name, namespace)


def task_status(obj, task):
    return (obj or {}).get("status", {}).get("tasks", {}).get(TASK_STATUS[task], {}) or {}


def wait_pss(env, namespace, name, predicate, timeout, what):
    def check():
        obj = get_pss(env, namespace, name)
        if obj and obj.get("status", {}).get("observedGeneration") == \
                obj["metadata"].get("generation") and predicate(obj):
            return obj
        return None
    return wait_for(check, timeout, "%s/%s: %s" % (namespace, name, what), interval=0.25)


def run_now(env, namespace, name, task, token, timeout=60):
    """Annotates run-now-<task> with `token`; returns the PSS once that token is handled, its run
    is recorded as lastRun and the task shows no active run any more (a finished run must not
    linger as `active`, nor keep Running True)."""
    before = (task_status(get_pss(env, namespace, name), task).get("lastRun") or {}).get("runID")
    env.kubectl.annotate("profitshareschedules.orderops.io", name, namespace,
                         "orderops.io/run-now-" + task, token)

    def recorded(o):
        t = task_status(o, task)
        last = t.get("lastRun") or {}
        return (t.get("lastHandledRunNow") == token and last.get("runID") != before and
                last.get("trigger") == "Manual" and last.get("completionTime"))

    def idle(o):
        return recorded(o) and not task_status(o, task).get("active")
    try:
        wait_pss(env, namespace, name, recorded, timeout, "run-now-%s %r recorded" % (task, token))
        return wait_pss(env, namespace, name, idle, 15,
                        "run-now-%s %r: no active run left after it finished" % (task, token))
    except AssertionError as e:
        obj = get_pss(env, namespace, name) or {}
        raise AssertionError("%s\nstatus: %s" % (e, obj.get("status"))) from None


def beijing_today():
    return datetime.datetime.now(BEIJING).date()
