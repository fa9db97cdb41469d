<?php

/*
 * paytoken from PHP in a few lines: run by `make demo` against the simulator
 * ($PAYTOKEN_SIM_URL) with its default NICEPAY sandbox credentials.
 * `make demo` runs it from a project that `composer require`d the package, as an
 * application does; from the checkout, the package's own autoload.php does the same job.
 */

declare(strict_types=1);

require_once is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : dirname(__DIR__) . '/autoload.php';

use PayToken\Client;
use PayToken\Exception\PayTokenException;
use PayToken\Library;

/** Never print a token: its first 6 characters and its length are enough to compare. */
function fingerprint(string $token): string
{
    return substr($token, 0, 6) . '… (' . strlen($token) . ' chars)';
}

$baseUrl = getenv('PAYTOKEN_SIM_URL') ?: 'http://127.0.0.1:8999';

try {
    $nicepay = Client::nicepay('S2_sim_client_key', 'sim_nicepay_secret_key', ['sandbox' => true, 'baseUrl' => $baseUrl]);

    printf("PHP %s — paytoken %s, FFI mode \"%s\", NICEPAY at %s\n", PHP_VERSION, Library::version(), Library::mode(), $baseUrl);
    $first = $nicepay->token();
    printf("  token():  %s, fetched from the gateway\n", fingerprint($first));
    $second = $nicepay->token();
    printf("  token():  %s, %s\n", fingerprint($second),
        $second === $first && $nicepay->stats()['tokenFetches'] === 1 ? 'from the cache (no second fetch)' : 'FETCHED AGAIN');

    $response = $nicepay->get('/v1/payments/tid_demo_php');
    $payment = $response->json();
    printf("  GET /v1/payments/tid_demo_php -> HTTP %d, resultCode %s (%s)\n", $response->status(), $payment['resultCode'] ?? '?', $payment['resultMsg'] ?? '');

    $stats = $nicepay->stats();
    echo '  stats:    ', implode(', ', array_map(static function (string $key) use ($stats): string {
        return "$key=" . json_encode($stats[$key]);
    }, array_keys($stats))), "\n";
} catch (PayTokenException $e) {
    fprintf(STDERR, "paytoken error %d (%s, HTTP %d, gateway code \"%s\"): %s\n",
        $e->getCode(), get_class($e), $e->getHttpStatus(), $e->getGatewayCode(), $e->getMessage());
    exit(1);
}
