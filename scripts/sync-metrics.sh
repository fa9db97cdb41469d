#!/bin/sh
# Copies the metric vocabulary (README, "Metrics") from the command's source into the
# Python, Node, Java and Laravel packages, which ship it. The tests fail while a copy differs.
set -e
cd "$(dirname "$0")/.."
for copy in bindings/python/src/paytoken/metrics.json bindings/node/lib/metrics.json \
            bindings/java/src/main/resources/io/paytoken/metrics.json bindings/php/laravel/metrics.json; do
  cp src/bin/paytoken/metrics.json "$copy"
done
