<?php

/*
 * The real-world pattern from PHP: 100 sequential authorized calls over TLS to a gateway
 * one round trip away (the simulator's --rtt-ms), done (a) as the official PortOne V1
 * PHP client does — for every call a new curl handle asks for a token, then another
 * new handle makes the call — and (b) with paytoken, started cold in every run (token
 * invalidated, a fresh copy of the CA file: a fresh connection pool).
 *
 *   php realworld.php TLS_BASE_URL CA_FILE [RUNS]
 *
 * One JSON line per measurement and run on stdout; any failed call throws.
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use PayToken\Client;

const CALLS = 100;
const API_PATH = '/payments/imp_bench';

/** One request on a new curl handle, trusting only $caFile; returns the body. */
function curlOnce(string $url, string $caFile, array $options): string
{
    $handle = curl_init($url);
    curl_setopt_array($handle, [CURLOPT_RETURNTRANSFER => true, CURLOPT_CAINFO => $caFile] + $options);
    $body = curl_exec($handle);
    $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
    $error = curl_error($handle);
    curl_close($handle);
    if ($body === false || $status !== 200) {
        throw new RuntimeException("curl $url failed: $error (HTTP $status)");
    }
    return $body;
}

function officialClientCall(string $baseUrl, string $caFile): void
{
    $answer = json_decode(curlOnce("$baseUrl/users/getToken", $caFile, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => json_encode(['imp_key' => 'sim_imp_key', 'imp_secret' => 'sim_imp_secret']),
        CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
    ]), true);
    $token = $answer['response']['access_token'] ?? null;
    if (!is_string($token)) {
        throw new RuntimeException('getToken answered no token');
    }
    curlOnce($baseUrl . API_PATH, $caFile, [CURLOPT_HTTPHEADER => ["Authorization: $token"]]);
}

[$baseUrl, $caFile] = [$argv[1] ?? '', $argv[2] ?? ''];
$runs = (int)($argv[3] ?? 5);
for ($run = 0; $run < $runs; $run++) {
    $started = hrtime(true);
    for ($i = 0; $i < CALLS; $i++) {
        officialClientCall($baseUrl, $caFile);
    }
    $official = hrtime(true) - $started;

    $freshCa = "$caFile.php-run$run.pem";
    copy($caFile, $freshCa);
    $client = Client::portoneV1('sim_imp_key', 'sim_imp_secret', ['baseUrl' => $baseUrl, 'caFile' => $freshCa]);
    $client->invalidate();
    $started = hrtime(true);
    for ($i = 0; $i < CALLS; $i++) {
        if ($client->get(API_PATH)->status() !== 200) {
            throw new RuntimeException('paytoken GET failed');
        }
    }
    $ours = hrtime(true) - $started;
    unlink($freshCa);

    foreach (['php.realworld.official' => $official, 'php.realworld.paytoken' => $ours] as $id => $ns) {
        echo json_encode(['id' => $id, 'run' => $run, 'value' => $ns, 'unit' => 'ns']), "\n";
    }
    fwrite(STDERR, sprintf("  php real world run %d: official pattern %.2f s, paytoken %.2f s\n", $run, $official / 1e9, $ours / 1e9));
}
