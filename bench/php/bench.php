<?php

/*
 * paytoken from PHP: cached token() beside a bare FFI call of the library (the
 * reference), and request() against PHP's curl — one handle reused across calls
 * (keep-alive), and a new handle per call as legacy code does.
 *
 *   php bench.php BASE_URL [RUNS]
 *
 * One JSON line per measurement and run on stdout (scripts/bench.sh reads them),
 * progress on stderr. Any failed call throws and ends with a non-zero status.
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use PayToken\Client;
use PayToken\Native\Locator;

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

/**
 * The floor from PHP: paytoken_get_token_cached + paytoken_string_free through FFI,
 * declared here, on a raw client of the same account (so the same cached token), one
 * reused out-parameter, no error struct, no check.
 */
function bareToken(string $baseUrl): callable
{
    $ffi = FFI::cdef('
        int32_t paytoken_client_new(const char *config_json, void **client_out, void *err);
        int32_t paytoken_get_token_cached(const void *client, char **token_out, void *err);
        void paytoken_string_free(char *s);', Locator::library());
    $handle = $ffi->new('void*');
    $config = json_encode(['gateway' => 'portone-v1', 'impKey' => 'sim_imp_key',
        'impSecret' => 'sim_imp_secret', 'baseUrl' => $baseUrl]);
    if ($ffi->paytoken_client_new($config, FFI::addr($handle), null) !== 0) {
        throw new RuntimeException('bare paytoken_client_new failed');
    }
    $out = $ffi->new('char*');
    $outAddr = FFI::addr($out);
    return static function () use ($ffi, $handle, $out, $outAddr): string {
        $ffi->paytoken_get_token_cached($handle, $outAddr, null);
        $token = FFI::string($out);
        $ffi->paytoken_string_free($out);
        return $token;
    };
}

/** ns per call of $call, TOKEN_CALLS times. */
function tokenNs(callable $call): float
{
    $started = hrtime(true);
    for ($i = 0; $i < TOKEN_CALLS; $i++) {
        $call();
    }
    return (hrtime(true) - $started) / TOKEN_CALLS;
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
$bare = bareToken($baseUrl);
if ($bare() !== $client->token()) {
    throw new RuntimeException('the bare call did not return the cached token');
}
$wrapper = static function () use ($client): string {
    return $client->token();
};
for ($run = 0; $run < $runs; $run++) {
    // Side by side in every run (the ratio is taken run by run), order alternating.
    $order = ['php.token' => $wrapper, 'php.token.bare' => $bare];
    foreach ($run % 2 === 0 ? $order : array_reverse($order, true) as $id => $call) {
        emit($id, $run, tokenNs($call));
    }
}
for ($run = 0; $run < $runs; $run++) {
    foreach (interleaved($variants) as $id => $ns) {
        emit($id, $run, $ns);
    }
    fwrite(STDERR, "  php run $run done\n");
}
