<?php

// What the test asks the booted application (as `php artisan tinker` would): the health
// and /metrics routes through the HTTP kernel, then app('paytoken') and the facade. One JSON line.
require __DIR__ . '/vendor/autoload.php';
$app = require __DIR__ . '/bootstrap/app.php';
$kernel = $app->make(Illuminate\Contracts\Http\Kernel::class);
$response = $kernel->handle(Illuminate\Http\Request::create('/health'));
$metrics = $kernel->handle(Illuminate\Http\Request::create('/metrics'));
$stats = PayToken::stats()->toArray(); // as the scrape saw them, before the calls below
echo json_encode([
    'healthStatus' => $response->getStatusCode(),
    'health' => json_decode((string) $response->getContent(), true),
    'manager' => get_class(app('paytoken')),
    'client' => get_class(app('paytoken')->client()),
    'gateway' => app('paytoken')->gateway(),
    'sameToken' => app('paytoken')->token() === PayToken::token(),
    'tokenFetches' => PayToken::stats()->tokenFetches(),
    'metricsType' => $metrics->headers->get('Content-Type'),
    'metrics' => $metrics->getContent(),
    'stats' => $stats,
    'publishes' => Illuminate\Support\ServiceProvider::pathsToPublish(PayToken\Laravel\PayTokenServiceProvider::class, 'paytoken-config'),
]), "\n";
