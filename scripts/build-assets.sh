#!/usr/bin/env bash
# Compile GOV.UK Frontend with the Arial font stack and copy its script into our static folder.
set -euo pipefail
cd "$(dirname "$0")/.."
out=cspr/static/govuk
rm -rf "$out"
mkdir -p "$out"
npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules \
  cspr/assets/app.scss "$out/app.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend.min.js"
echo "Built GOV.UK Frontend assets into $out"
