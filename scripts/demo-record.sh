#!/usr/bin/env bash
# `make demo`, second half: load the shipped record (rulebooks/record/history.yaml) into a fresh
# registry in .demo/, as acts RECORDED FROM PUBLIC SOURCES: signed by the recorder's own root
# (recorder:cybernorms-maintainers, a key made here for the demo), never by the states, forums
# or depositary they are recorded for. Then show what the record gives today's packages.
set -euo pipefail
bin="${1:-.venv/bin}"
demo=.demo
rm -rf "$demo"
mkdir -p "$demo"
export CYBERNORMS_DB="sqlite:///$demo/registry.db"
recorder=recorder:cybernorms-maintainers
"$bin/cybernorms" init > /dev/null
"$bin/cybernorms" keys new --state "$recorder" --out "$demo" --name recorder > /dev/null
"$bin/cybernorms" root new --state "$recorder" --key "$demo/recorder.pub" --threshold 1 \
    --expires "$(date -u -d '+1 year' +%F)" --out "$demo/root.json" > /dev/null
"$bin/cybernorms" root sign "$demo/root.json" --key "$demo/recorder.key" \
    --out "$demo/root.signed.json" > /dev/null
"$bin/cybernorms" root publish "$demo/root.signed.json"
"$bin/cybernorms" forum record rulebooks/record/history.yaml --key "$demo/recorder.key"
"$bin/cybernorms" forum status oewg-2019-2021
"$bin/cybernorms" treaty status un-cybercrime-convention
"$bin/cybernorms" log decisions --out "$demo/decisions.json"
"$bin/cybernorms" verify "$demo/decisions.json" --log-key "$("$bin/cybernorms" log key)"
