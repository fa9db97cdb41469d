<?php

/*
 * paytoken for Laravel: one block per gateway account under 'clients'. Each block is a
 * PayToken\Client config (the keys of the PHP README's "Options", camelCase as there);
 * a null value (an unset .env variable) is left out, so the library's default applies.
 * Secrets come from the environment only: never write them here.
 *
 * A client is made the first time it is used and kept for the life of the PHP process
 * (a PHP-FPM worker, a queue worker, an Octane worker): app('paytoken') gives the default
 * client's methods, app('paytoken')->client('nicepay') a named one, and the PayToken
 * facade the same.
 */

return [
    // The client app('paytoken'), the PayToken facade and a PayToken\Client type hint get.
    'default' => env('PAYTOKEN_CLIENT', 'portone'),

    'clients' => [
        'portone' => [
            'gateway' => 'portone-v2',
            'apiSecret' => env('PORTONE_API_SECRET'),
            // unset: "secret" (no token; paytoken:check has nothing to fetch), or "token"
            'auth' => env('PORTONE_AUTH'),
            'storeId' => env('PORTONE_STORE_ID'),
            'baseUrl' => env('PORTONE_BASE_URL'), // unset: PortOne's production origin
            'cacheDir' => env('PAYTOKEN_CACHE_DIR'), // one token per host for all workers
        ],

        'iamport' => [
            'gateway' => 'portone-v1',
            'impKey' => env('PORTONE_IMP_KEY'),
            'impSecret' => env('PORTONE_IMP_SECRET'),
            'baseUrl' => env('PORTONE_V1_BASE_URL'),
            'cacheDir' => env('PAYTOKEN_CACHE_DIR'),
        ],

        'nicepay' => [
            'gateway' => 'nicepay',
            'clientKey' => env('NICEPAY_CLIENT_KEY'),
            'secretKey' => env('NICEPAY_SECRET_KEY'),
            'sandbox' => env('NICEPAY_SANDBOX', false), // true: NICEPAY's sandbox origin
            'baseUrl' => env('NICEPAY_BASE_URL'),
            'cacheDir' => env('PAYTOKEN_CACHE_DIR'),
        ],
    ],
];
