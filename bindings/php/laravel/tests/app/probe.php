<?php

// What the test asks the booted application (as `php artisan tinker` would): the health
// route through the HTTP kernel, then app('paytoken') and the facade. One JSON line.
require __DIR__ . '/vendor/autoload.php';
$app = require __DIR__ . '/bootstrap/app.php';
$response = $app->make(Illuminate\Contracts\Http\Kernel::class)->handle(Illuminate\Http\Request::create('/health'));
echo json_encode([
    'healthStatus' => $response->getStatusCode(),
    'health' => json_decode((string) $response->getContent(), true),
    'manager' => get_class(app('paytoken')),
    'client' => get_class(app('paytoken')->client()),
    'gateway' => app('paytoken')->gateway(),
    'sameToken' => app('paytoken')->token() === PayToken::token(),
    'tokenFetches' => PayToken::stats()->tokenFetches(),
    'publishes' => Illuminate\Support\ServiceProvider::pathsToPublish(PayToken\Laravel\PayTokenServiceProvider::class, 'paytoken-config'),
]), "\n";
