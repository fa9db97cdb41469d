<?php

// A user's program: paytoken from the Composer package, against $PAYTOKEN_SIM_URL.
// Prints "token:", "request:" and "error:" lines (tests/packaging/lib.sh checks them).

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use PayToken\Client;
use PayToken\Exception\AuthException;

$url = getenv('PAYTOKEN_SIM_URL');
echo 'library: ', PayToken\Native\Locator::library(), "\n";
$client = Client::nicepay('S2_sim_client_key', 'sim_nicepay_secret_key', ['baseUrl' => $url]);
echo 'token: ', strlen($client->token()), " chars\n";
$response = $client->get('/v1/payments/packaging_smoke_tid');
if (!in_array($response->status(), [200, 404], true) || !is_array($response->json())) {
    fwrite(STDERR, "unexpected answer {$response->status()}\n");
    exit(1);
}
echo 'request: HTTP ', $response->status(), "\n";
try {
    Client::nicepay('S2_sim_client_key', 'not-the-secret', ['baseUrl' => $url])->token();
    fwrite(STDERR, "a wrong secret got a token\n");
    exit(1);
} catch (AuthException $e) {
    if (strpos($e->getMessage(), 'not-the-secret') !== false) {
        fwrite(STDERR, "the secret leaked into the error\n");
        exit(1);
    }
    echo 'error: AuthException (HTTP ', $e->getHttpStatus(), ")\n";
}
