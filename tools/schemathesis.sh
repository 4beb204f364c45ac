#!/bin/sh
# Hostile input: schemathesis generates requests for every operation in
# /api/openapi.json (valid and invalid bodies, parameters, headers) and checks
# every answer: never a 5xx, and status, content type, headers and body as the
# document says. Once signed in with a session, once with an API key.
#
#   tools/schemathesis.sh [server binary]     ST_EXAMPLES=20 by default
#
# Installs schemathesis (PyPI, pinned) into target/schemathesis-venv once.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/target/debug/orgspace}
EXAMPLES=${ST_EXAMPLES:-20}
SCHEMATHESIS_VERSION=4.32.5
VENV="$ROOT/target/schemathesis-venv"

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  printf '\n\033[1m==> Installing schemathesis %s (PyPI, once)\033[0m\n' "$SCHEMATHESIS_VERSION"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian keeps venv in its own package.
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

DIR=$(mktemp -d)
OUT="$DIR/server.out"
DATABASE_URL="sqlite://$DIR/orgspace.db?mode=rwc" ORGSPACE_ADDR=127.0.0.1:0 \
  ORGSPACE_MAIL_OUTBOX="$DIR/outbox" ORGSPACE_APP_DIR="$DIR/no-app" RUST_LOG=error \
  "$BIN" > "$OUT" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do grep -q 'running at' "$OUT" && break; sleep 0.1; done
URL=$(grep -o 'http://[^ /]*' "$OUT" | head -1)

# A signed-in Owner of a funded organization, and an API key there.
JAR="$DIR/cookies"
curl -fsS -c "$JAR" -H 'content-type: application/json' "$URL/api/auth/register" \
  -d '{"email":"fuzz@schemathesis.test","password":"correct horse battery staple","name":"Fuzz","account_type":"organization","organization":{"name":"Fuzz Org","region":"eu-central","billing_address":{"name":"Fuzz AG","street":"Main 1","city":"Berlin","postal_code":"10115","country":"DE"}}}' \
  > "$DIR/me.json"
SESSION=$(awk '$6 == "orgspace_session" { print $7 }' "$JAR")
ORG=$(grep -o '"id":"[^"]*","kind":"organization"' "$DIR/me.json" | cut -d'"' -f4)
curl -fsS -b "$JAR" -H 'content-type: application/json' "$URL/api/accounts/$ORG/funds" -d '{"amount_cents":100000}' >/dev/null
# The key lives in an organization of its own: the session's run may delete the other.
KEY_ORG=$(curl -fsS -b "$JAR" -H 'content-type: application/json' "$URL/api/accounts" \
  -d '{"name":"Key Org","region":"eu-central","billing_address":{"name":"Key AG","street":"Main 1","city":"Berlin","postal_code":"10115","country":"DE"}}' \
  | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
curl -fsS -b "$JAR" -H 'content-type: application/json' "$URL/api/accounts/$KEY_ORG/funds" -d '{"amount_cents":100000}' >/dev/null
TOKEN=$(curl -fsS -b "$JAR" -H 'content-type: application/json' "$URL/api/accounts/$KEY_ORG/api-keys" -d '{"name":"schemathesis"}' \
  | grep -o '"token":"[^"]*"' | cut -d'"' -f4)

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
# A pass that fails because schemathesis itself crashed (seen with 4.32.5 on
# Python 3.11: "SystemError: AST constructor recursion depth mismatch" while
# generating cases, reported as a runtime error, not a finding) runs once more.
run() {
  label=$1; shift
  for attempt in 1 2; do
    printf '\n\033[1m==> schemathesis, %s\033[0m\n' "$label"
    out="$DIR/schemathesis-$attempt.log"
    if "$VENV/bin/schemathesis" run "$URL/api/openapi.json" --url "$URL" \
      --checks "$CHECKS" --max-examples "$EXAMPLES" --seed 1 --no-color \
      --phases examples,coverage,fuzzing --workers 1 \
      --suppress-health-check all --generation-with-security-parameters false \
      --generation-database none "$@" > "$out" 2>&1; then
      cat "$out"
      return 0
    fi
    cat "$out"
    if [ "$attempt" = 1 ] && grep -q "AST constructor recursion depth mismatch" "$out"; then
      echo "schemathesis crashed inside itself (a known bug of the tool, not a finding): running the pass again"
      continue
    fi
    return 1
  done
}
# The key first: the session's run could delete the key's organization. Signing
# out, changing the password or revoking a session (schemathesis reuses the ids
# GET /api/me/sessions answers, the current one among them) would end the
# session its run uses.
status=0
run "through an API key" -H "Authorization: Bearer $TOKEN" || status=1
run "signed in with a session" -H "Cookie: orgspace_session=$SESSION" \
  --exclude-path /api/auth/logout --exclude-path /api/me/password \
  --exclude-path '/api/me/sessions/{session_id}' || status=1
exit $status
