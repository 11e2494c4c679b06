"""The documents a clone carries agree with the server, the SDK and the shared originals.

- docs/operations.md: its SDK table is the SDK's 92 operations (method and path as the installed
  SDK sends them), its "served" rows and its second table are exactly what the running server
  routes (/openapi.json), and the README lists the same operations as served.
- The README and the docs link only to files of the repo, never to ../shared.
- The copies of shared files (docs/specs/*.md, tests/sdk/wire_check.py) equal their originals
  when ../shared exists beside the repo; a lone clone has nothing to compare them with, and
  those tests pass saying so.
"""

import re
import warnings

import huaweicloudsdkbss.v2 as bss

from conftest import REPO, SDK_DIR, check_ok

SHARED = REPO.parent / "shared"
OPERATIONS_MD = REPO / "docs" / "operations.md"
README = REPO / "README.md"
SPECS = ("command-line.md", "console.md", "world-file.md")
WIRE_CHECK_HEADER = 2  # the line of tests/sdk/wire_check.py that says it is a copy (after the shebang)

SDK_ROW = re.compile(r"\| (GET|POST|PUT|DELETE) \| `(/[^`]*)` \| `([A-Za-z]+)` \| (served)? ?\|")
OTHER_ROW = re.compile(r"\| (GET|POST|PUT|DELETE) \| `(/[^`]*)` \| `([A-Za-z]+)` \| [^|]+ \|")


def no_shared(what):
    """A lone clone: nothing to compare `what` with. The test passes, and says so."""
    warnings.warn(f"{SHARED} does not exist beside the repo: {what} not compared", stacklevel=2)


def snake_case(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def sdk_table():
    """The rows of docs/operations.md's SDK table: [(method, path, operation, served)]."""
    section = OPERATIONS_MD.read_text().split("## The SDK's operations", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| method", "| ---")):
            match = SDK_ROW.fullmatch(line)
            assert match, f"docs/operations.md: not a row of the SDK table: {line!r}"
            method, path, name, served = match.groups()
            rows.append((method, path, name, served == "served"))
    return rows


def other_table():
    """The rows of docs/operations.md's last table (served besides the SDK): [(method, path, operation)]."""
    section = OPERATIONS_MD.read_text().split("## Served besides the SDK's operations", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| method", "| ---")):
            match = OTHER_ROW.fullmatch(line)
            assert match, f"docs/operations.md: not a row of the last table: {line!r}"
            rows.append(match.groups())
    return rows


def routed(server):
    """{operationId: (METHOD, path)} of the running server's /openapi.json."""
    doc = check_ok(server.get("/openapi.json"))
    return {op["operationId"]: (method.upper(), path)
            for path, methods in doc["paths"].items() for method, op in methods.items()}


def readme_served():
    """The operations the README says are served: the names in its "Operations served today" paragraph."""
    paragraphs = [p for p in README.read_text().split("\n\n") if p.startswith("Operations served today")]
    assert len(paragraphs) == 1, "README.md: no single paragraph starting 'Operations served today'"
    return re.findall(r"`([A-Z][A-Za-z]+)`", paragraphs[0])


# ---------------------------------------------------------------------------------------------
# docs/operations.md and the README against the SDK and the server


def test_operations_table_is_the_sdks_92_operations():
    rows = sdk_table()
    assert len(rows) == 92, f"docs/operations.md lists {len(rows)} SDK operations, not 92"
    names = [name for _, _, name, _ in rows]
    assert len(set(names)) == len(names), "an SDK operation is listed twice"
    for method, path, name, _ in rows:
        http_info = getattr(bss.BssClient, f"_{snake_case(name)}_http_info", None)
        assert http_info is not None, f"{name}: the SDK has no operation {snake_case(name)}"
        info = http_info(getattr(bss, f"{name}Request")())
        assert (info["method"], info["resource_path"]) == (method, path), (
            f"{name}: docs/operations.md says {method} {path}, the SDK sends {info['method']} {info['resource_path']}")
        assert info["response_type"] == f"{name}Response", info


def test_operations_table_is_the_shared_checklist():
    checklist = SHARED / "reference" / "sdk-operations.md"
    if not checklist.exists():
        no_shared("docs/operations.md against reference/sdk-operations.md")
        return
    listed = re.findall(r"^(GET|POST|PUT|DELETE) (\S+) (\w+)$", checklist.read_text(), re.M)
    assert [(m, p, snake_case(n)) for m, p, n, _ in sdk_table()] == listed, (
        "docs/operations.md's SDK table is not ../shared/reference/sdk-operations.md, row for row")


def test_served_rows_are_the_routed_sdk_operations(server):
    routes = routed(server)
    sdk_rows = {name: (method, path) for method, path, name, _ in sdk_table()}
    served = {name for _, _, name, is_served in sdk_table() if is_served}
    routed_sdk = {name for name in routes if name in sdk_rows}
    assert sorted(served) == sorted(routed_sdk), (
        f"docs/operations.md marks as served {sorted(served - routed_sdk)} that the server does not route, "
        f"and not {sorted(routed_sdk - served)} that it routes")
    for name in routed_sdk:
        assert routes[name] == sdk_rows[name], f"{name}: the server routes {routes[name]}, the SDK {sdk_rows[name]}"


def test_the_other_table_is_every_other_route(server):
    """IAM's look-up and the operator API: every route that is not an SDK operation, and nothing else."""
    routes = routed(server)
    sdk_names = {name for _, _, name, _ in sdk_table()}
    others = {name: (method, path) for method, path, name in other_table()}
    assert others == {name: route for name, route in routes.items() if name not in sdk_names}


def test_readme_lists_the_served_operations(server):
    routes = routed(server)
    sdk_names = {name for _, _, name, _ in sdk_table()}
    listed = readme_served()
    assert len(set(listed)) == len(listed), f"README.md lists an operation twice: {listed}"
    assert sorted(listed) == sorted(name for name in routes if name in sdk_names), (
        "README.md's 'Operations served today' is not the set of SDK operations the server routes")


def test_readme_installs_the_pinned_sdk():
    pinned = re.search(r"^huaweicloudsdkbss==(\S+)$", (SDK_DIR / "requirements.txt").read_text(), re.M).group(1)
    text = README.read_text()
    assert f"pip install huaweicloudsdkbss=={pinned}" in text, f"README.md does not install huaweicloudsdkbss=={pinned}"
    assert text.index("pip install huaweicloudsdkbss") < text.index("from huaweicloudsdkbss"), (
        "README.md installs the SDK after its example")


# ---------------------------------------------------------------------------------------------
# A clone stands alone


def documents():
    return [README, REPO / "ARCHITECTURE.md", *sorted((REPO / "docs").glob("*.md"))]


def test_docs_link_only_inside_the_repo():
    for document in documents():
        text = document.read_text()
        assert "../shared" not in text, f"{document.relative_to(REPO)} refers to ../shared, which a clone has not"
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (document.parent / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(REPO) and resolved.exists(), (
                f"{document.relative_to(REPO)} links {target}, which is not a file of the repo")


def test_specs_are_the_shared_specs():
    for name in SPECS:
        assert (REPO / "docs" / "specs" / name).is_file(), f"docs/specs/{name} is missing"
    if not (SHARED / "specs").is_dir():
        no_shared("docs/specs/*.md")
        return
    shared = sorted(p.name for p in (SHARED / "specs").glob("*.md"))
    assert shared == sorted(SPECS), f"../shared/specs has {shared}; docs/specs copies {sorted(SPECS)}"
    for name in SPECS:
        assert (REPO / "docs" / "specs" / name).read_bytes() == (SHARED / "specs" / name).read_bytes(), (
            f"docs/specs/{name} differs from ../shared/specs/{name}: copy it again")


def test_wire_check_is_the_shared_tool():
    copy = (SDK_DIR / "wire_check.py").read_text().splitlines(keepends=True)
    assert "copy of ../shared/tools/wire_check.py" in copy[WIRE_CHECK_HEADER - 1], copy[:3]
    original = SHARED / "tools" / "wire_check.py"
    if not original.exists():
        no_shared("tests/sdk/wire_check.py")
        return
    without_header = copy[:WIRE_CHECK_HEADER - 1] + copy[WIRE_CHECK_HEADER:]
    assert "".join(without_header) == original.read_text(), (
        "tests/sdk/wire_check.py differs from ../shared/tools/wire_check.py (besides its header line): copy it again")
