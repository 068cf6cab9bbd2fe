#!/usr/bin/env python3
"""Evaluates every dashboard panel query and every alert expression through
a real Prometheus's HTTP API (used by prometheus_e2e_test.sh).

Usage: prometheus_queries.py PROMETHEUS_URL DASHBOARD.json...

For each expression:
  - the whole expression must be accepted by /api/v1/query (it parses and
    evaluates);
  - a dashboard query must return data;
  - every series selector the expression reads (metric name with its label
    matchers) must return data on its own, so a threshold that is not
    crossed right now still proves the alert watches series greenlight
    really exports, with the labels the rule filters on.
Series that only the runbook executor publishes (runs, phases, gates) are
absent until a run starts: expressions reading only those must parse and are
reported as such. Prints one line per expression; exit status 1 on any
failure.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

# Published by the runbook executor while a run is in progress (docs/metrics.md).
EXECUTOR_SERIES = {"greenlight_run_state", "greenlight_run_phase_state",
                   "greenlight_run_phase_duration_seconds", "greenlight_run_step_state",
                   "greenlight_run_step_duration_seconds", "greenlight_gate_green",
                   "greenlight_gate_waiting_seconds"}
# Grafana's variables, as a dashboard user with every value selected sees them.
VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m",
             "$volume": ".+", "$target": ".+", "$unit": ".+"}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "inf", "nan"}

failures = 0


def fail(message):
    global failures
    failures += 1
    print("FAILED: " + message)


def query(base, expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def selectors(expr):
    """The series selectors of a PromQL expression: name{matchers}."""
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    found = []
    for match in re.finditer(r"(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?", text):
        name, matchers, call = match.group(1), match.group(2) or "", match.group(3)
        if call or name in KEYWORDS:
            continue
        found.append(name + matchers)
    return found


def substitute(expr):
    for variable, value in VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def has_data(answer):
    return answer.get("status") == "success" and len(answer["data"]["result"]) > 0


def check_expression(base, where, expr, must_have_data):
    answer = query(base, expr)
    if answer.get("status") != "success":
        fail(f"{where}: {expr!r} does not evaluate: {answer.get('error')}")
        return
    names = selectors(expr)
    executor_only = bool(names) and all(n.split("{")[0] in EXECUTOR_SERIES for n in names)
    count = len(answer["data"]["result"])
    if must_have_data and count == 0 and not executor_only:
        fail(f"{where}: {expr!r} returns no data")
        return
    for selector in names:
        if selector.split("{")[0] in EXECUTOR_SERIES:
            continue
        if not has_data(query(base, selector)):
            fail(f"{where}: series {selector} of {expr!r} has no data")
            return
    note = " (runbook executor series: empty until a run)" if executor_only and count == 0 else ""
    print(f"ok {where}: {count} series{note}: {expr}")


def main():
    base = sys.argv[1]
    for path in sys.argv[2:]:
        board = json.load(open(path))
        name = path.rsplit("/", 1)[-1]
        variables = board["templating"]["list"]
        if not any(v["type"] == "datasource" and v["name"] == "DS_PROMETHEUS" for v in variables):
            fail(f"{name}: no DS_PROMETHEUS datasource variable")
        for variable in variables:
            if variable["type"] != "query":
                continue
            m = re.fullmatch(r"label_values\((\w+), *(\w+)\)", variable["query"]["query"])
            if not m:
                fail(f"{name}: variable {variable['name']}: unexpected query")
                continue
            url = (f"{base}/api/v1/label/{m.group(2)}/values?" +
                   urllib.parse.urlencode({"match[]": m.group(1)}))
            with urllib.request.urlopen(url, timeout=10) as response:
                values = json.load(response)["data"]
            if not values:
                fail(f"{name}: variable {variable['name']} has no value")
            else:
                print(f"ok {name}: variable {variable['name']}: {len(values)} values")
        for panel in board["panels"]:
            if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                fail(f"{name}: panel {panel['title']!r} does not use ${{DS_PROMETHEUS}}")
            for target in panel["targets"]:
                if target.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                    fail(f"{name}: a query of {panel['title']!r} does not use ${{DS_PROMETHEUS}}")
                check_expression(base, f"{name} / {panel['title']}", substitute(target["expr"]), True)
    with urllib.request.urlopen(base + "/api/v1/rules?type=alert", timeout=10) as response:
        groups = json.load(response)["data"]["groups"]
    alerts = [rule for group in groups for rule in group["rules"]]
    if not alerts:
        fail("Prometheus loaded no alert rule")
    for rule in alerts:
        if rule.get("health") not in ("ok", "unknown"):
            fail(f"alert {rule['name']}: {rule.get('health')}: {rule.get('lastError')}")
        check_expression(base, f"alert {rule['name']}", rule["query"], False)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
