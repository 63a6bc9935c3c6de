#!/usr/bin/env python3
"""Validates data files (TOML) against the JSON Schema that `pillar schema` prints, with the
`jsonschema` package (installed by tests/setup.sh), the way an editor does: the TOML is read
with tomllib and its dates become their ISO text, as Taplo reads them.

Usage: validate.py SCHEMA.json FILE.toml...
Prints `FILE: ok` or `FILE: path: message` for each problem; exits 1 if a file is invalid,
2 if the tools are missing.
"""
import datetime
import json
import sys
import tomllib

try:
    import jsonschema
except ImportError:
    print("validate.py: the Python package jsonschema is missing (run tests/setup.sh)", file=sys.stderr)
    sys.exit(2)


def as_json(value):
    """The TOML value as JSON would hold it: dates and times as their text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def main(schema_path, files):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    bad = 0
    for path in files:
        with open(path, "rb") as f:
            data = as_json(tomllib.load(f))
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if not errors:
            print(f"{path}: ok")
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{path}: {where}: {e.message}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
