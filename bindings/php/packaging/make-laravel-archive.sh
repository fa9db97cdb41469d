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
"$here/packaging/composer-archive.sh" "$here/laravel/composer.json" "$version" "$stage" "$out" paytoken-laravel
