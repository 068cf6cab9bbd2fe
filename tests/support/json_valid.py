#!/usr/bin/env python3
"""json_valid.py SCHEMA FILE: FILE holds one JSON document valid against the
JSON Schema SCHEMA (draft 2020-12), its "schema" field the one SCHEMA names.
Prints every violation with its place; exit 0 only when there is none."""
import json
import sys

import jsonschema


def main():
    schema_path, document_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    with open(document_path, encoding="utf-8") as f:
        text = f.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        print(f"{document_path}: not JSON: {error}: {text[:300]!r}")
        return 1
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    for error in errors:
        place = "/".join(str(p) for p in error.absolute_path) or "(document)"
        print(f"{document_path}: {place}: {error.message}")
    name = schema["properties"]["schema"]["const"]
    if not isinstance(document, dict) or document.get("schema") != name:
        print(f"{document_path}: not a {name} document")
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
