#!/usr/bin/env bash
# Rebuilds the vendored stylesheet from the npm registry's govuk-frontend (MIT), compiled
# with sluss's settings (vendor/govuk-frontend.scss): no GOV.UK typeface and no crown.
# The output is committed; the binary embeds it (api/src/web/assets.rs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=6.6.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "govuk-frontend@$version" sass@1
cp "$here/govuk-frontend.scss" .
npx sass --no-source-map --style=compressed --quiet govuk-frontend.scss out.css
# The header's crown is GOV.UK's brand; sluss's header does not use it.
sed -e 's#url("/assets/images/govuk-crest.svg")#none#g' out.css > "$here/../govuk-frontend.min.css"
echo "govuk-frontend $version compiled into api/assets/govuk-frontend.min.css"
