<?php

declare(strict_types=1);

namespace PayToken\Laravel\Facades;

use Illuminate\Support\Facades\Facade;

/**
 * PayToken::post('/payments/...', $body), PayToken::client('nicepay')->token(): the
 * 'paytoken' singleton (PayToken\Laravel\ClientManager), whose unknown methods go to the
 * default client.
 *
 * @method static \PayToken\Client client(?string $name = null)
 * @method static string metrics(?array $names = null)
 * @method static string token()
 * @method static \PayToken\Stats stats()
 * @method static \PayToken\Response get(string $path, array $options = [])
 * @method static \PayToken\Response post(string $path, $body = null, array $options = [])
 * @method static \PayToken\Response request(string $method, string $path, $body = null, array $options = [])
 */
final class PayToken extends Facade
{
    protected static function getFacadeAccessor(): string
    {
        return 'paytoken';
    }
}
