#!/usr/bin/env bash
# The Laravel package's Composer archive (laravel/: PHP code, its config and metric list,
# no native library): OUT_DIR/paytoken-laravel-<version>.zip, for a Composer "artifact"
# repository beside the library's paytoken-paytoken-<version>.zip. The Laravel test
# installs this archive, so what ships is what is tested.
#
# Usage: packaging/make-laravel-archive.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
out=$1
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)

stage="$here/build/archive/paytoken-laravel"
rm -rf "$stage" && mkdir -p "$stage" "$out"
cp -r "$here/laravel/src" "$here/laravel/config" "$here/laravel/metrics.json" "$here/laravel/README.md" "$stage/"
# composer.json with the version (an archive outside a VCS has no other).
php -r '
  $json = json_decode(file_get_contents($argv[1]), true);
  $json["version"] = $argv[2];
  file_put_contents($argv[3], json_encode($json, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
' "$here/laravel/composer.json" "$version" "$stage/composer.json"

rm -f "$out"/paytoken-laravel-*.zip
(cd "$stage" && composer archive --quiet --no-interaction --format=zip --dir="$out" \
  --file="paytoken-laravel-$version")
ls "$out/paytoken-laravel-$version.zip"
