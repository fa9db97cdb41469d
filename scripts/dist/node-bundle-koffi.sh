#!/usr/bin/env bash
# Makes the staged npm package in $1 self-contained: koffi and its Linux x64/arm64 native
# packages go inside it as bundleDependencies, so `npm install --offline ./paytoken-*.tgz`
# works on a clean cache (no registry access for the package's own dependencies).
# Run from bindings/node after `npm ci`; the arm64 package (skipped by npm ci on x64, and
# the reverse) is taken from npm's cache or the registry with `npm pack`, at release time.
set -euo pipefail
stage=$1
version=$(node -p "require('./node_modules/koffi/package.json').version")
mkdir -p "$stage/node_modules/@koromix"
cp -r node_modules/koffi "$stage/node_modules/koffi"
natives=()
for arch in x64 arm64; do
  name="@koromix/koffi-linux-$arch"
  natives+=("$name")
  if [ -d "node_modules/$name" ]; then
    cp -r "node_modules/$name" "$stage/node_modules/$name"
  else
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && mkdir out && tar xzf ./*.tgz -C out)
    mv "$tmp/out/package" "$stage/node_modules/$name"
    rm -rf "$tmp"
  fi
done
# koffi finds its binary with require('@koromix/koffi-linux-<arch>'): bundled beside it.
# They are optional (each declares its cpu), bundled all the same.
node - "$stage" "$version" "${natives[@]}" <<'JS'
const fs = require('fs');
const [stage, version, ...natives] = process.argv.slice(2);
const file = `${stage}/package.json`;
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.optionalDependencies = Object.fromEntries(natives.map((n) => [n, version]));
pkg.bundleDependencies = ['koffi', ...natives];
delete pkg.devDependencies;
delete pkg.scripts;
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
JS
