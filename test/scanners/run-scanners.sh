#!/usr/bin/env bash
# Runs sqlmap and wapiti (Debian packages: apt-get install -y sqlmap wapiti) against a loopback Mamori with a
# signed-in doctor's session, and summarises what they found. Not part of the test suite: it takes minutes.
#   test/scanners/run-scanners.sh [block|detect-only]   (default block; detect-only lets payloads reach the app)
# Results go to $OUT (default: a new temporary folder), which is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-block}"
out="${OUT:-$(mktemp -d -t mamori-scan-XXXX)}"
mkdir -p "$out"

MAMORI_WAF_MODE="$mode" npx tsx test/scanners/serve.ts "$out/target.json" >"$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do [ -s "$out/target.json" ] && break; sleep 1; done
[ -s "$out/target.json" ] || { echo "server did not start; see $out/server.log" >&2; exit 1; }
field() { node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync('$out/target.json','utf8'))['$1']))"; }
base="$(field baseUrl)"; cookie="$(field cookie)"; patient="$(field patientId)"
echo "target $base (WAF $mode), patient $patient"

# sqlmap: the FHIR read (id in the path), the audit search (query parameters) and the JSON sign-in body.
sqlmap_common=(--batch --disable-coloring --level 2 --risk 1 --timeout 10 --retries 0 --time-sec 2 --ignore-code 401 --cookie "$cookie"
  --headers "Origin: $base" --output-dir "$out/sqlmap" --flush-session)
{
  sqlmap "${sqlmap_common[@]}" -u "$base/fhir/R4/Patient/${patient}*"
  sqlmap "${sqlmap_common[@]}" -u "$base/fhir/R4/AuditEvent?patient=${patient}&action=fhir.read" -p patient,action
  sqlmap "${sqlmap_common[@]}" -u "$base/api/auth/login" --data '{"email":"someone@example.test","password":"not the password"}' \
    --headers "Origin: $base
Content-Type: application/json"
} >"$out/sqlmap.log" 2>&1 || true

# wapiti: start from the UI and the API. (Wapiti 3.0.4's -x exclusion fails on Python 3.11; sign-out is a POST
# that no page links to, so the crawler does not end the session under test.)
wapiti -u "$base/" --scope domain --flush-session -H "Cookie: $cookie" \
  -s "$base/fhir/R4/Patient/$patient" -s "$base/fhir/R4/AuditEvent?patient=$patient&action=fhir.read" \
  -s "$base/fhir/R4/metadata" -s "$base/api/session" \
  -m "sql,blindsql,xss,permanentxss,exec,file,crlf,ssrf,redirect,shellshock,backup,htaccess,methods" \
  --max-scan-time 420 -f json -o "$out/wapiti.json" >"$out/wapiti.log" 2>&1 || true

echo "== sqlmap"
grep -E "is vulnerable|might be injectable|appears to be .* injectable|do not appear to be injectable|heuristic \(basic\) test shows|WAF/IPS|403" "$out/sqlmap.log" | sort | uniq -c || true
echo "== wapiti"
node -e '
const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
let total = 0;
for (const [category, findings] of Object.entries(report.vulnerabilities ?? {})) if (findings.length) { total += findings.length; console.log(`  ${category}: ${findings.length}`); }
for (const [category, findings] of Object.entries(report.anomalies ?? {})) if (findings.length) console.log(`  anomaly ${category}: ${findings.length}`);
console.log(`  vulnerabilities: ${total}`);
' "$out/wapiti.json" || echo "  no wapiti report; see $out/wapiti.log"
echo "results in $out"
