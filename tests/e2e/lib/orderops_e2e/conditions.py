"""Reading a resource's status as the suites check it: conditions by type, and whether the status
was written for the object's current generation."""


def condition(obj, type_):
    for c in (obj or {}).get("status", {}).get("conditions", []) or []:
        if c.get("type") == type_:
            return c
    return None


def condition_is(obj, type_, status, reason=None):
    c = condition(obj, type_)
    return bool(c) and c.get("status") == status and (reason is None or c.get("reason") == reason)


def current(obj):
    """True when the status was written for the object's current generation."""
    return bool(obj) and obj.get("status", {}).get("observedGeneration") == \
        obj["metadata"].get("generation")
