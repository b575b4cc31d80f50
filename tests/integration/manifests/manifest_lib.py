"""Helpers shared by the manifest checks: YAML loading as the API server sees it, kustomize
rendering, and a small OpenAPI v3 defaulting + validation that follows the API server's rules for
structural CRD schemas (defaults applied recursively, then type/enum/pattern/range/required
checks, unknown fields rejected as `kubectl apply` does with fieldValidation=Strict)."""

import copy
import functools
import os
import re
import subprocess
import tempfile
from pathlib import Path

import yaml

KUBECTL = "/usr/bin/kubectl"
PROMTOOL = "/usr/bin/promtool"
LUA = "/usr/bin/lua5.1"


def repo_root() -> Path:
    env = os.environ.get("ORDEROPS_SOURCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3]


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringTimestampLoader(_BaseLoader):
    """SafeLoader that keeps timestamps as strings: the API server hands them on as strings."""


_StringTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    return yaml.load(text, Loader=_StringTimestampLoader)


def load_yaml_file(path):
    return load_yaml(Path(path).read_text(encoding="utf-8"))


def load_all(text: str):
    return [d for d in yaml.load_all(text, Loader=_StringTimestampLoader) if d is not None]


def kustomize(directory) -> list:
    """Renders a kustomization with kubectl (own discovery cache dir, as design.md asks)."""
    with tempfile.TemporaryDirectory(prefix="orderops-kubecache-") as cache:
        env = dict(os.environ, KUBECACHEDIR=cache, HOME=cache)
        result = subprocess.run([KUBECTL, "kustomize", str(directory)], capture_output=True,
                                text=True, env=env, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {directory} failed:\n{result.stderr}")
    return load_all(result.stdout)


def crd_path(kind: str) -> Path:
    plural = {"AftersalesTimeoutPolicy": "aftersalestimeoutpolicies",
              "ProfitShareSchedule": "profitshareschedules"}[kind]
    return repo_root() / "crds" / f"orderops.io_{plural}.yaml"


@functools.lru_cache(maxsize=None)
def crd_schema(kind: str) -> dict:
    """The openAPIV3Schema of a kind (cached: callers must not modify it)."""
    crd = load_yaml_file(crd_path(kind))
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]


# --- defaulting -------------------------------------------------------------------------------

def apply_defaults(schema: dict, value):
    """Returns a copy of value with schema defaults applied the way the API server does:
    a missing property with a default gets a copy of it, and defaulting then recurses into every
    present property (so `default: {}` on an object brings its inner defaults)."""
    value = copy.deepcopy(value)
    _default(schema, value)
    return value


def _default(schema: dict, value):
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
        for key, sub in props.items():
            if key in value:
                _default(sub, value[key])
    elif isinstance(value, list) and "items" in schema:
        for item in value:
            _default(schema["items"], item)


# --- validation -------------------------------------------------------------------------------

def _type_ok(kind: str, value) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    raise AssertionError(f"unexpected schema type {kind!r}")


def validate(schema: dict, value, path: str = "") -> list:
    """Returns [(field path, problem)] for every violation; [] when the value is valid."""
    errors = []
    kind = schema.get("type")
    if kind is not None and not _type_ok(kind, value):
        return [(path, f"must be of type {kind}")]
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path, f"Unsupported value {value!r}: supported values {schema['enum']}"))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append((path, f"{value!r} should match {schema['pattern']!r}"))
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append((path, f"should be at least {schema['minLength']} chars long"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((path, f"may not be longer than {schema['maxLength']}"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"{value} should be greater than or equal to {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"{value} should be less than or equal to {schema['maximum']}"))
    if isinstance(value, dict):
        props = schema.get("properties")
        for key in schema.get("required", []):
            if key not in value:
                errors.append((_join(path, key), "Required value"))
        if props is not None and path != "metadata":
            for key, item in value.items():
                if key not in props:
                    errors.append((_join(path, key), "unknown field"))
                else:
                    errors.extend(validate(props[key], item, _join(path, key)))
    if isinstance(value, list):
        items = schema.get("items", {})
        for i, item in enumerate(value):
            errors.extend(validate(items, item, f"{path}[{i}]"))
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "set" and len({repr(v) for v in value}) != len(value):
            errors.append((path, "duplicate entries in a set"))
        if list_type == "map":
            keys = [tuple(item.get(k) for k in schema["x-kubernetes-list-map-keys"]) for item in value]
            if len(set(keys)) != len(keys):
                errors.append((path, "duplicate map keys"))
    return errors


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def validate_object(kind: str, obj: dict) -> list:
    """Validates a whole custom resource (after defaulting) against its CRD schema."""
    schema = crd_schema(kind)
    return validate(schema, apply_defaults(schema, obj))


def walk(schema: dict, path: str = ""):
    """Yields (path, node) for every node of a schema."""
    yield path, schema
    for key, sub in schema.get("properties", {}).items():
        yield from walk(sub, _join(path, key))
    if "items" in schema:
        yield from walk(schema["items"], path + "[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], path + "{}")
