#!/usr/bin/env python3
# A copy of ../shared/tools/wire_check.py (beside the repo), kept in step with it: tests/sdk/test_docs.py compares them.
"""Check a JSON body against the official SDK's model for it: field names and JSON types, exactly.

The SDK deserializes leniently (unknown fields are dropped, a wrong type often passes silently), so
a response can "work" through the SDK and still differ from the real wire. This checker is strict:
every key must be one the model declares (by its JSON name), and every value must have the JSON
type the model's `openapi_types` implies:

  str -> string · int/long -> integer · float, decimal.Decimal -> number (integer or fraction;
  a body parsed with json.loads(..., parse_float=Decimal) works too)
  bool -> boolean · list[T] -> array of T · dict(str, T) -> object of T · object -> anything
  a model name -> object checked recursively · null is accepted anywhere (the SDK omits nothing).

Use from Python (e.g. in pytest, on the raw body your server sent):
    sys.path.insert(0, "../shared/tools"); from wire_check import problems, assert_wire
    assert_wire(json.loads(raw_body), "ListPartnerBalancesResponse")
Or from the shell:
    python3 ../shared/tools/wire_check.py ListPartnerBalancesResponse < body.json
    python3 ../shared/tools/wire_check.py --sdk huaweicloudsdkcts.v3 ListTracesResponse < body.json
Exit status 0 when the body matches, 1 with one line per problem otherwise.
Needs the SDK installed in the running Python (pip install huaweicloudsdkbss).
"""

import decimal
import importlib
import json
import re
import sys

DEFAULT_SDK = "huaweicloudsdkbss.v2"
_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\(([^,]+),\s*(.+)\)$")


def _model(sdk, name):
    module = importlib.import_module(sdk)
    cls = getattr(module, name, None)
    if cls is None or not hasattr(cls, "openapi_types"):
        raise LookupError(f"{sdk} has no model {name}")
    return cls


def _is_body_wrapper(cls):
    """Responses whose JSON is a bare list or value carry it as the single attribute `body`."""
    fields = [k for k, v in cls.attribute_map.items() if not _is_header(v)]
    return fields == ["body"]


def _is_header(json_name):
    return "-" in json_name or json_name[:1].isupper()


def problems(value, type_name, sdk=DEFAULT_SDK, path="$"):
    """Every way `value` (parsed JSON) differs from SDK type `type_name`; [] when it matches."""
    if value is None:
        return []
    found = []
    m = _LIST.match(type_name)
    if m:
        if not isinstance(value, list):
            return [f"{path}: expected an array ({type_name}), got {type(value).__name__}"]
        for i, item in enumerate(value):
            found += problems(item, m.group(1).strip(), sdk, f"{path}[{i}]")
        return found
    m = _DICT.match(type_name)
    if m:
        if not isinstance(value, dict):
            return [f"{path}: expected an object ({type_name}), got {type(value).__name__}"]
        for k, v in value.items():
            found += problems(v, m.group(2).strip(), sdk, f"{path}.{k}")
        return found
    if type_name == "str":
        return [] if isinstance(value, str) else [f"{path}: expected a string, got {json.dumps(value, default=str)[:60]}"]
    if type_name in ("int", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected an integer, got {json.dumps(value, default=str)[:60]}"]
    if type_name in ("float", "decimal.Decimal"):
        ok = isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a number, got {json.dumps(value, default=str)[:60]}"]
    if type_name == "bool":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {json.dumps(value, default=str)[:60]}"]
    if type_name == "object":
        return []
    cls = _model(sdk, type_name)
    if _is_body_wrapper(cls):
        return problems(value, cls.openapi_types["body"], sdk, path)
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({type_name}), got {type(value).__name__}"]
    by_json = {j: a for a, j in cls.attribute_map.items() if not _is_header(j)}
    for key, v in value.items():
        attr = by_json.get(key)
        if attr is None:
            found.append(f"{path}.{key}: not a field of {type_name} (fields: {', '.join(sorted(by_json))})")
            continue
        found += problems(v, cls.openapi_types[attr], sdk, f"{path}.{key}")
    return found


def assert_wire(value, type_name, sdk=DEFAULT_SDK):
    found = problems(value, type_name, sdk)
    if found:
        raise AssertionError(f"{type_name}: {len(found)} wire problem(s):\n  " + "\n  ".join(found))


def main(argv):
    sdk = DEFAULT_SDK
    if len(argv) >= 2 and argv[0] == "--sdk":
        sdk, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0])
        print("usage: wire_check.py [--sdk MODULE] ModelName < body.json")
        return 2
    body = json.load(sys.stdin, parse_float=decimal.Decimal)
    try:
        found = problems(body, argv[0], sdk)
    except ModuleNotFoundError as e:
        print(f"wire_check: {e.name} is not installed under {sys.executable}: "
              f"run it with the Python of your SDK test venv (pip install huaweicloudsdkbss)")
        return 2
    except LookupError as e:
        print(f"wire_check: {e}")
        return 2
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
