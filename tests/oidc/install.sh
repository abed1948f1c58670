#!/usr/bin/env bash
# Installs the npm package oidc-provider (a certified OpenID Connect provider) for the tests
# and CI of sign-in through OpenID Connect (SPEC §16). Cached in $OIDC_PROVIDER_ROOT
# (default ~/.cache/sluss-tools/oidc-provider): nothing is fetched when that version is
# already there. Needs Node 20.19 or later. Prints the folder holding node_modules on
# stdout; npm's output goes to stderr.
#
#   bash tests/oidc/install.sh
set -euo pipefail
VERSION="${OIDC_PROVIDER_VERSION:-9.13.3}"
ROOT="${OIDC_PROVIDER_ROOT:-$HOME/.cache/sluss-tools/oidc-provider}"
PKG="$ROOT/node_modules/oidc-provider/package.json"
if [ ! -f "$PKG" ] || ! grep -q "\"version\": \"$VERSION\"" "$PKG"; then
  started=$SECONDS
  mkdir -p "$ROOT"
  [ -f "$ROOT/package.json" ] || echo '{"name":"sluss-oidc-test-provider","private":true}' >"$ROOT/package.json"
  npm install --prefix "$ROOT" --no-audit --no-fund --save-exact "oidc-provider@$VERSION" >&2
  echo "oidc-provider $VERSION installed in $((SECONDS - started)) s" >&2
else
  echo "oidc-provider $VERSION already installed" >&2
fi
echo "$ROOT"
