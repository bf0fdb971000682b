#!/usr/bin/env bash
# Rehearse the GitHub workflow's steps (.github/workflows/briefing.yml) on this machine, in a fresh
# clone with no report texts beside it: two weekly runs, a run with nothing new, then a correction.
#
#   bash scripts/rehearse_workflow.sh [WORKDIR] [--with-tests]
#
# Each run starts as a runner does: a checkout without reports/ or _site/, the archive branch checked out
# into _archive/ (here a plain folder), the same project commands in the same order. "Deploy" copies
# _site/ to WORKDIR/live and only then replaces the archive, as the deploy job moves the site-archive
# branch only after deploy-pages succeeded. The weekly runs use `build --as-of DATE --if-changed`, which
# is what `regenerate` runs with today's date. Nothing here touches this checkout.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
with_tests="${2:-}"
clone="$work/clone"
archive="$work/archive"     # the site-archive branch
live="$work/live"           # what GitHub Pages serves
export ISF_SOURCES_DIR="$work/no-report-texts"   # a runner has no report texts
export ISF_CACHE_DIR="$work/cache"

rm -rf "$clone" "$archive" "$live"
git clone -q "$repo" "$clone"
cd "$clone"
python3 dev.py editions >/dev/null 2>&1   # the setup step: dev.py makes .venv
url="file://$live/"

step() { printf '\n$'; printf ' %q' "$@"; printf '\n'; "$@"; }

run() {  # run TITLE AS_OF [NOTE]: one workflow run
    local title="$1" as_of="$2" note="${3:-}" first=""
    echo; echo "=== $title"
    rm -rf reports logs _site _archive
    if [ -d "$archive" ]; then cp -r "$archive" _archive; else mkdir _archive; first="--first-run"; fi
    step python3 dev.py publish --restore --archive _archive $first
    if [ -n "$note" ]; then
        step python3 dev.py correct --note "$note"
    else
        step python3 dev.py build --as-of "$as_of" --if-changed   # = regenerate on that day
    fi
    step python3 dev.py publish --site _site --archive _archive $first --base-url "$url"
    if [ -f _site/archive.json ]; then
        echo "published=true: deploy, then move the archive branch"
        rm -rf "$live" && cp -r _site "$live"
        rm -rf "$archive" && cp -r _site "$archive"
        echo "site: $(cd "$live/editions" && ls | tr '\n' ' ')"
        python3 - "$live" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
from pathlib import Path
site = Path(sys.argv[1])
ns = {"a": "http://www.w3.org/2005/Atom"}
feed = ET.parse(site / "feed.xml").getroot()
print("feed:", feed.find("a:link[@rel='self']", ns).get("href"), "updated", feed.find("a:updated", ns).text)
for entry in feed.findall("a:entry", ns):
    print("  -", entry.find("a:title", ns).text, "|", entry.find("a:updated", ns).text, "|", entry.find("a:summary", ns).text[:150])
EOF
    else
        echo "published=false: nothing uploaded, deployed or pushed"
    fi
}

if [ "$with_tests" = "--with-tests" ]; then
    echo "=== the workflow's test step"; step python3 dev.py test -q -m "not browser"
fi

run "weekly run 1 (first publication, as of 20 Nov 2025)" 2025-11-20
run "weekly run 2 (as of 20 Dec 2025)" 2025-12-20
run "weekly run 3 (as of 27 Dec 2025): nothing new" 2025-12-27

echo; echo "=== a curator corrects a published claim on main (PL-001's attribution), then runs the workflow by hand with a note"
python3 - <<'EOF'
import csv
from pathlib import Path
path = Path("data/curated/pledges.csv")
with path.open(encoding="utf-8", newline="") as fh:
    reader = csv.DictReader(fh)
    header, rows = reader.fieldnames, list(reader)
rows[0]["attribution"] = "U.S. defense sources"
with path.open("w", encoding="utf-8", newline="") as fh:
    writer = csv.DictWriter(fh, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
EOF
git -c user.name=curator -c user.email=curator@example.org commit -qam "PL-001: attribution as the report gives it"
run "manual run with a correction note" "" "PL-001's attribution shortened to what the report says"
echo; echo "rehearsal folder: $work"
