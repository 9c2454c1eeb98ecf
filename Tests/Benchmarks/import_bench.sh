#!/usr/bin/env bash
# Benchmark (not a unit test): generates a 4,000-row US-2025 CSV and times `algoreg import`
# into a scratch copy of the example register. Usage: make bench-import
set -euo pipefail
BIN=${1:-.build/release/algoreg}
# On tmpfs: the disk here slows down from run to run and would drown the figure.
WORK=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
python3 - "$WORK/inventory.csv" <<'PY'
import csv, sys
cols = "agency,agency_name,id,use_case_name,agency_bureau,contact_email,is_withheld,development_stage,is_high_impact,HI_justification,topic_area,classification,problem_solved,benefits,system_outputs,operational_date,contracting_usage,vendor_name,have_ato,system_name_ato,data_description,link_to_data,has_pii,pia_url,demographic_features,has_custom_code,code_url,hi_testing_conducted,hi_assessment_completed,hi_potential_impacts,hi_independent_review,hi_ongoing_monitoring,hi_training_established,hi_failsafe_presence,hi_appeal_process,hi_public_consultation".split(",")
stages = ["a) Pre-deployment – in development", "b)  b)  Pilot – limited test", "c) Deployed – in use", "d) Retired – retired", "pilot"]
with open(sys.argv[1], "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f)
    w.writerow(cols)
    for i in range(4000):
        row = {c: "" for c in cols}
        row.update(agency="AG%d" % (i % 20), id="AG-%05d" % (i // 2), use_case_name="Use case %d " % (i // 2),
                   agency_bureau="Bureau %d" % (i % 40), contact_email="ai%d@agency.example" % i,
                   development_stage=stages[i % 5], is_high_impact="Not high-impact", topic_area="Transportation",
                   problem_solved="Solves problem %d.\nWith a second line." % i, operational_date="2021-%02d-01" % (i % 12 + 1),
                   contracting_usage="Purchased from a vendor", vendor_name="Vendor %d" % (i % 50),
                   demographic_features="['Age', 'Sex']", hi_public_consultation="a; b")
        w.writerow([row[c] for c in cols])
PY
cp -r Registry "$WORK/Registry"
start=$(date +%s.%N)
"$BIN" import "$WORK/inventory.csv" --format us-2025 --registry "$WORK/Registry" > "$WORK/summary.txt" 2>&1
end=$(date +%s.%N)
head -3 "$WORK/summary.txt"
echo "4000-row import: $(python3 -c "print(f'{$end - $start:.2f}')") s"
