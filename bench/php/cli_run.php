<?php

/*
 * One short-lived PHP CLI process, as a cron job or a recycled worker is: a new client,
 * one authorized GET, exit. With CACHE_DIR the client uses the host-wide token cache
 * (`cacheDir`), so only the first of many such processes asks for a token.
 *
 *   php cli_run.php TLS_BASE_URL CA_FILE [CACHE_DIR]
 *
 * Exit status 0 when the gateway answered 200; run by bench/cli/bench.py.
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use PayToken\Client;

[$baseUrl, $caFile, $cacheDir] = [$argv[1] ?? '', $argv[2] ?? '', $argv[3] ?? ''];
$options = ['baseUrl' => $baseUrl, 'caFile' => $caFile];
if ($cacheDir !== '') {
    $options['cacheDir'] = $cacheDir;
}
$client = Client::portoneV1('sim_imp_key', 'sim_imp_secret', $options);
exit($client->get('/payments/imp_bench')->status() === 200 ? 0 : 1);
