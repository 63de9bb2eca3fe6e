#!/usr/bin/env bash
# Rebuilds the committed front-end files from the pinned npm packages:
#   static/css/app.css                         (GOV.UK Frontend compiled with Arial, no branding)
#   static/govuk-frontend/govuk-frontend.min.js (+ .map, which manifest storage needs)
#   static/accessible-autocomplete/accessible-autocomplete.min.js (+ .map; its CSS is in app.css)
#   tests/e2e/assets/axe.min.js                (axe-core, used by the browser tests)
# Run it after changing package.json or assets/; commit what it changes.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npx sass --load-path=node_modules --style=compressed --no-source-map assets/app.scss static/css/app.css

src=node_modules/govuk-frontend/dist/govuk
dst=static/govuk-frontend
rm -rf "$dst"
mkdir -p "$dst"
cp "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.js.map" "$dst/"
# Only the assets the compiled CSS refers to are served; GOV.UK's crown, logotype and fonts are not.
mkdir -p "$dst/assets"
for ref in $(grep -o '/static/govuk-frontend/assets/[^")]*' static/css/app.css | sort -u); do
  rel=${ref#/static/govuk-frontend/assets/}
  mkdir -p "$dst/assets/$(dirname "$rel")"
  cp "$src/assets/$rel" "$dst/assets/$rel"
done

# GOV.UK's accessible autocomplete, for the agency and MSP choosers (docs/adr/0013-choosers.md).
src=node_modules/accessible-autocomplete/dist
dst=static/accessible-autocomplete
rm -rf "$dst"
mkdir -p "$dst"
cp "$src/accessible-autocomplete.min.js" "$src/accessible-autocomplete.min.js.map" "$dst/"
cp node_modules/accessible-autocomplete/LICENSE.txt "$dst/LICENSE.txt"

cp node_modules/axe-core/axe.min.js tests/e2e/assets/axe.min.js
cp node_modules/axe-core/LICENSE tests/e2e/assets/axe-core.LICENSE
echo "Front-end files rebuilt."
