"""End to end (issue 8): the API server refuses every spec value the CRD schemas constrain, for
both kinds, and names the field. The cases are generated from crds/*.yaml: every spec leaf gets
a wrong-type value, every minimum/maximum/minLength/maxLength/pattern/enum a value just outside
it, every required field is left out, every set-typed list gets a duplicate. So a field added to
a CRD is covered without touching this test. All cases go through ONE `kubectl apply -f` of a
multi-document stream (one object per case), which kubectl sends as separate creates: each must
fail with HTTP 422 and an error naming the case's field path; an untouched control object of
each kind must be created; nothing invalid is stored.

Run: /usr/bin/python3 tests/e2e/bad_input/test_schema_rejects.py  (ORDEROPS_BIN_DIR=build/bin)"""

import copy
import os
import re
import unittest

import yaml

from bad_input_support import ATP, KIND, PSS, policy, schedule
from orderops_e2e import CRDS_DIR, E2ETestCase

NS = "schema"
CRD_FILES = {ATP: "orderops.io_aftersalestimeoutpolicies.yaml",
             PSS: "orderops.io_profitshareschedules.yaml"}
# Values tried, in order, for a pattern: the first one the pattern refuses is used.
PATTERN_BREAKERS = ["not valid!", "UPPER lower", "..", "-", "9"]
# What the API server says per constraint (kube-apiserver wording, see the apiserver README).
WORDING = {
    "type": "must be of type",
    "minimum": "greater than or equal to",
    "maximum": "less than or equal to",
    "minLength": "at least",
    "maxLength": "Too long: may not be more than",
    "pattern": "should match",
    "enum": "Unsupported value",
    "required": "Required value",
    "set": "Duplicate value",
}
WRONG_TYPE = {"integer": "ten", "boolean": "yes", "string": 12345, "array": "a",
              "object": "an object"}


def load_spec_schema(resource):
    with open(os.path.join(CRDS_DIR, CRD_FILES[resource]), encoding="utf-8") as f:
        crd = yaml.safe_load(f)
    (version,) = [v for v in crd["spec"]["versions"] if v["storage"]]
    return version["schema"]["openAPIV3Schema"]["properties"]["spec"]


def schema_cases(schema, path=("spec",)):
    """(field path tuple, value or REMOVE, constraint, path the error names) for every
    constraint under `schema`."""
    dotted = ".".join(path)
    kind = schema.get("type")
    if kind and len(path) > 1:
        yield path, WRONG_TYPE[kind], "type", path
    if kind == "object":
        for field in schema.get("required", []):
            yield path + (field,), REMOVE, "required", path + (field,)
        for field, sub in schema.get("properties", {}).items():
            yield from schema_cases(sub, path + (field,))
        return
    if kind == "array":
        items = schema.get("items", {})
        good = schema.get("default") or []
        if schema.get("x-kubernetes-list-type") == "set" and good:
            yield path, [good[0], good[0]], "set", path[:-1] + (path[-1] + "[1]",)
        for item_path, value, constraint, _ in schema_cases(items, ("[0]",)):
            if item_path == ("[0]",):
                yield path, [value], constraint, path[:-1] + (path[-1] + "[0]",)
        return
    if "minimum" in schema:
        yield path, schema["minimum"] - 1, "minimum", path
    if "maximum" in schema:
        yield path, schema["maximum"] + 1, "maximum", path
    if schema.get("minLength", 0) >= 1:
        yield path, "", "minLength", path
    if "maxLength" in schema:
        yield path, "1" * (schema["maxLength"] + 1), "maxLength", path
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        breaker = next((v for v in PATTERN_BREAKERS if not pattern.search(v)), None)
        assert breaker is not None, "no value breaks the pattern of " + dotted
        yield path, breaker, "pattern", path
    if "enum" in schema:
        yield path, "NotAnOption", "enum", path


class _Remove:
    def __repr__(self):
        return "<removed>"


REMOVE = _Remove()


def with_value(manifest, path, value):
    obj = copy.deepcopy(manifest)
    node = obj
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if value is REMOVE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return obj


class SchemaRejectsTest(E2ETestCase):
    environment_name = "bad-input-schema"
    with_postgres = False

    def base(self, resource, name):
        if resource == ATP:
            # Every optional field present, so each one's wrong value is tried in context.
            return policy(name, NS, startingDeadlineSeconds=10)
        return schedule(name, NS, caSecretRef={"name": "ca", "key": "ca.crt"},
                        sync={"schedule": "0 0 1 1 *", "startingDeadlineSeconds": 10},
                        billDownload={"schedule": "0 0 1 1 *", "startingDeadlineSeconds": 10},
                        retry={"schedule": "0 0 1 1 *", "startingDeadlineSeconds": 10},
                        unfreeze={"schedule": "0 0 1 1 *", "startingDeadlineSeconds": 10})

    def test_every_constrained_field_is_refused_and_named(self):
        env = self.env
        env.namespace(NS)
        cases = {}  # object name -> (resource, error path, constraint, value)
        documents = []
        for resource in (ATP, PSS):
            spec_schema = load_spec_schema(resource)
            # The generator must reach every constrained leaf of the schema.
            for i, (path, value, constraint, named) in enumerate(schema_cases(spec_schema)):
                name = "%s-%03d" % ("atp" if resource == ATP else "pss", i)
                cases[name] = (resource, ".".join(named), constraint, value)
                documents.append(with_value(self.base(resource, name), path, value))
            documents.append(self.base(resource, "control-" + KIND[resource].lower()))
        per_kind = {r: sum(1 for c in cases.values() if c[0] == r) for r in (ATP, PSS)}
        # A floor that fails loudly if the generator silently stops seeing the schema.
        self.assertGreater(per_kind[ATP], 60, per_kind)
        self.assertGreater(per_kind[PSS], 100, per_kind)
        for constraint in WORDING:
            self.assertIn(constraint, {c[2] for c in cases.values()}, "no %s case" % constraint)

        r = env.kubectl.run("apply", "-v=6", "-f", "-",
                            input=yaml.safe_dump_all(documents, sort_keys=False), check=False,
                            timeout=120)
        self.assertNotEqual(r.returncode, 0)
        errors = {}
        for m in re.finditer(r'"((?:atp|pss)-\d{3})" is invalid: (.*)', r.stderr):
            errors[m.group(1)] = m.group(2)
        statuses = re.findall(r"POST https://\S+/(profitshareschedules|aftersalestimeoutpolicies)"
                              r"\S* (\d{3}) ", r.stderr)
        failures = []
        for name, (resource, path, constraint, value) in sorted(cases.items()):
            message = errors.get(name)
            if message is None:
                failures.append("%s (%s=%.40r, %s): not refused" % (name, path, value, constraint))
            elif path + ":" not in message or WORDING[constraint] not in message:
                failures.append("%s (%s=%.40r, %s): %.300s" % (name, path, value, constraint,
                                                                message))
        self.assertEqual(failures, [], "\n".join(failures))
        codes = [code for _, code in statuses]
        self.assertEqual(codes.count("422"), len(cases), "one 422 per case")
        self.assertEqual(codes.count("201"), 2, "the two control objects are created")
        for resource in (ATP, PSS):
            stored = env.kubectl.get(resource, namespace=NS)["items"]
            self.assertEqual([o["metadata"]["name"] for o in stored],
                             ["control-" + KIND[resource].lower()])
        print("schema cases: %d AftersalesTimeoutPolicy, %d ProfitShareSchedule"
              % (per_kind[ATP], per_kind[PSS]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
