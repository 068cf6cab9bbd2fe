# The -o json tests' bookkeeping, check.sh's included. Source it with $src
# the source tree: it makes $dir, a directory removed at exit, and gives
#   json_valid NAME FILE   FILE is a valid greenlight/NAME/v1 document
#                          (docs/schema/NAME.v1.json); violations printed
#   json_value FILE EXPR   prints the Python expression EXPR over the
#                          document `d` of FILE (d["checks"][0]["status"])
#   json_true FILE EXPR    true when EXPR over `d` is true
json_valid() {
  /usr/bin/python3 "$src/tests/support/json_valid.py" "$src/docs/schema/$1.v1.json" "$2"
}
json_value() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}
json_true() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
source "$src/tests/support/check.sh"
dir=$(mktemp -d /tmp/greenlight-json-XXXXXX)
trap 'rm -rf "$dir"' EXIT
