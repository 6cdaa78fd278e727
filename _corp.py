import json
from pathlib import Path

from click.testing import CliRunner

from csvcheck.cli import main

root = Path("../shared/corpora/frictionless-py/data")
for p in sorted(root.rglob("*")):
    if not p.is_file():
        continue
    r = CliRunner().invoke(
        main, ["check", str(p), "--format", "json", "--type", "dynamic"], catch_exceptions=False
    )
    if r.exit_code == 3:
        print(p.relative_to(root), "EXIT3", r.stderr.strip())
        continue
    rep = json.loads(r.stdout)
    i = rep["input"]
    fs = {
        f["code"]: [e.get("line") for e in f["examples"]]
        for f in rep["findings"]
        if f["code"]
        not in (
            "missing-number-column",
            "header-renamed",
            "invalid-variable-name",
            "too-many-variables",
            "no-records",
        )
    }
    print(
        p.relative_to(root),
        i["encoding"],
        repr(i["delimiter"]),
        i["line_endings"],
        i["records"],
        rep["columns"]["input"][:6],
        fs,
    )
