#!/usr/bin/env bash
# The last step of both archives (make-archive.sh, make-laravel-archive.sh): STAGE gets
# COMPOSER_JSON with "version" set (an archive outside a VCS has no other) and without what
# only the repository's development needs, then becomes OUT_DIR/NAME-VERSION.zip, replacing
# an older NAME-*.zip.
#
# Usage: packaging/composer-archive.sh COMPOSER_JSON VERSION STAGE OUT_DIR NAME
set -euo pipefail
composer_json=$1 version=$2 stage=$3 out=$4 name=$5
php -r '
  $json = json_decode(file_get_contents($argv[1]), true);
  $json["version"] = $argv[2];
  unset($json["require-dev"], $json["autoload-dev"]);
  file_put_contents($argv[3], json_encode($json, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
' "$composer_json" "$version" "$stage/composer.json"

rm -f "$out/$name"-*.zip
(cd "$stage" && composer archive --quiet --no-interaction --format=zip --dir="$out" --file="$name-$version")
ls "$out/$name-$version.zip"
