<?php

/*
 * paytoken from PHP: cached token(), and request() against PHP's curl — one handle
 * reused across calls (keep-alive), and a new handle per call as legacy code does.
 *
 *   php bench.php BASE_URL [RUNS]
 *
 * One JSON line per measurement and run on stdout (scripts/bench.sh reads them),
 * progress on stderr. Any failed call throws and ends with a non-zero status.
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use PayToken\Client;

const API_PATH = '/payments/imp_bench';
const TOKEN_CALLS = 100000;
const BLOCK = 25;
const BLOCKS = 12;

function emit(string $id, int $run, float $ns): void
{
    echo json_encode(['id' => $id, 'run' => $run, 'value' => $ns, 'unit' => 'ns']), "\n";
}

/** @param resource|\CurlHandle $handle */
function curlGet($handle): void
{
    $body = curl_exec($handle);
    $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
    if ($body === false || $status !== 200 || $body === '') {
        throw new RuntimeException('curl GET failed: ' . curl_error($handle) . " (HTTP $status)");
    }
}

/** @return resource|\CurlHandle */
function curlHandle(string $url, string $token)
{
    $handle = curl_init($url);
    curl_setopt_array($handle, [
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ["Authorization: Bearer $token"],
    ]);
    return $handle;
}

/**
 * ns per call of each variant, in small blocks whose order rotates so that drift on a
 * shared machine hits every variant alike.
 *
 * @param array<string, callable> $variants
 * @return array<string, float>
 */
function interleaved(array $variants): array
{
    $names = array_keys($variants);
    $spent = array_fill_keys($names, 0);
    for ($block = 0; $block < BLOCKS; $block++) {
        for ($k = 0; $k < count($names); $k++) {
            $name = $names[($block + $k) % count($names)];
            $call = $variants[$name];
            $started = hrtime(true);
            for ($i = 0; $i < BLOCK; $i++) {
                $call();
            }
            $spent[$name] += hrtime(true) - $started;
        }
    }
    return array_map(static function (int $ns): float {
        return $ns / (BLOCK * BLOCKS);
    }, $spent);
}

$baseUrl = $argv[1] ?? '';
$runs = (int)($argv[2] ?? 7);
$client = Client::portoneV1('sim_imp_key', 'sim_imp_secret', ['baseUrl' => $baseUrl]);
$token = $client->token();
$url = $baseUrl . API_PATH;
$reused = curlHandle($url, $token);

$variants = [
    'php.request.paytoken' => static function () use ($client): void {
        $response = $client->get(API_PATH);
        if ($response->status() !== 200 || $response->body() === '') {
            throw new RuntimeException('paytoken GET answered ' . $response->status());
        }
    },
    'php.request.curl_reused' => static function () use ($reused): void {
        curlGet($reused);
    },
    'php.request.curl_new' => static function () use ($url, $token): void {
        $handle = curlHandle($url, $token);
        curlGet($handle);
        curl_close($handle);
    },
];
foreach ($variants as $call) {
    for ($i = 0; $i < 50; $i++) {
        $call();
    }
}
// Token runs first, then request runs: a CPU-bound loop right before a request block
// slowed the following few hundred requests (on this 2-core VM) by up to 30 %.
for ($run = 0; $run < $runs; $run++) {
    $started = hrtime(true);
    for ($i = 0; $i < TOKEN_CALLS; $i++) {
        $client->token();
    }
    emit('php.token', $run, (hrtime(true) - $started) / TOKEN_CALLS);
}
for ($run = 0; $run < $runs; $run++) {
    foreach (interleaved($variants) as $id => $ns) {
        emit($id, $run, $ns);
    }
    fwrite(STDERR, "  php run $run done\n");
}
