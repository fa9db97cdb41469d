<?php

declare(strict_types=1);

namespace PayToken\Laravel;

use Illuminate\Support\ServiceProvider;
use PayToken\Client;
use PayToken\Laravel\Console\CheckCommand;

/**
 * Found by Laravel's package discovery (composer.json, extra.laravel.providers): merges
 * config/paytoken.php, binds the 'paytoken' singleton (a ClientManager), a PayToken\Client
 * type hint to the default client, and registers `php artisan paytoken:check`.
 */
final class PayTokenServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->mergeConfigFrom(self::configFile(), 'paytoken');
        $this->app->singleton('paytoken', function ($app): ClientManager {
            return new ClientManager((array) $app['config']->get('paytoken', []));
        });
        $this->app->alias('paytoken', ClientManager::class);
        $this->app->bind(Client::class, function ($app): Client {
            return $app['paytoken']->client();
        });
    }

    public function boot(): void
    {
        if ($this->app->runningInConsole()) {
            // php artisan vendor:publish --tag=paytoken-config
            $this->publishes([self::configFile() => $this->app->configPath('paytoken.php')], 'paytoken-config');
            $this->commands([CheckCommand::class]);
        }
    }

    private static function configFile(): string
    {
        return \dirname(__DIR__) . '/config/paytoken.php';
    }
}
