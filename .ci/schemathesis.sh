#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis:
# no 5xx, and every response must match what the document says.
# Usage: .ci/schemathesis.sh http://127.0.0.1:PORT
set -euo pipefail
base=$1
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT


email="fuzz-$(date +%s%N)@example.com"
curl -fsS -c "$jar" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"a long enough password\",\"organizationName\":\"Fuzz\"}" \
  "$base/api/auth/signup" >/dev/null
all_scopes='["surveys:read","surveys:write","responses:read","responses:write","webhooks:read","webhooks:write","events:read","events:write","contacts:read","contacts:write","distributions:write","audit:read","cases:read","cases:write"]'
token=$(curl -fsS -b "$jar" -H 'content-type: application/json' \
  -d "{\"title\":\"schemathesis\",\"scopes\":$all_scopes}" "$base/api/tokens" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# One real survey, so fuzzing also reaches the paths behind a valid id.
curl -fsS -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"Fuzzed","status":"published","questions":[{"id":"q1","type":"nps","title":"Recommend?"}]}' \
  "$base/api/surveys" >/dev/null

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
# Every operation, in all three phases, except the survey import.
schemathesis run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks "$checks" \
  --exclude-path /api/surveys/import \
  --phases examples,coverage,fuzzing \
  --max-examples 25 \
  --workers 2 \
  --no-color
# The survey import's body nests the whole survey schema, and building cases
# from the examples nested in it trips CPython 3.11's parser inside Hypothesis
# ("AST constructor recursion depth mismatch", a FlakyFailure in about one
# run in three; nothing reaches the server). Its body example is checked by
# the integration tests; here it is fuzzed without the examples phase.
schemathesis run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks "$checks" \
  --include-path /api/surveys/import \
  --phases coverage,fuzzing \
  --max-examples 25 \
  --workers 2 \
  --no-color
