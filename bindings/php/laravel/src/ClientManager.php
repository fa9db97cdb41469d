<?php

declare(strict_types=1);

namespace PayToken\Laravel;

use PayToken\Client;

/**
 * The 'paytoken' singleton: one PayToken\Client per block of config('paytoken.clients'),
 * made on first use and kept for the life of the process, like Laravel's DatabaseManager.
 * Calls it does not define go to the default client, so app('paytoken')->token() and
 * PayToken::post(...) use config('paytoken.default').
 *
 * @mixin Client
 */
final class ClientManager
{
    /** @var array<string, mixed> config('paytoken') */
    private $config;

    /** @var array<string, Client> */
    private $clients = [];

    /** @param array<string, mixed> $config */
    public function __construct(array $config)
    {
        $this->config = $config;
    }

    /** The client of block $name (null: the default one). */
    public function client(?string $name = null): Client
    {
        $name = $name ?? $this->defaultName();
        if (!isset($this->clients[$name])) {
            $this->clients[$name] = new Client($this->clientConfig($name));
        }
        return $this->clients[$name];
    }

    /**
     * The Prometheus text of the named clients' stats (default: the default client), for
     * a /metrics route: Metrics::text(), labelled client="<block name>".
     *
     * @param string[]|null $names
     */
    public function metrics(?array $names = null): string
    {
        $clients = [];
        foreach ($names ?? [$this->defaultName()] as $name) {
            $clients[$name] = $this->client($name);
        }
        return Metrics::text($clients);
    }

    public function defaultName(): string
    {
        return (string) ($this->config['default'] ?? 'default');
    }

    /** @return string[] the configured blocks' names */
    public function names(): array
    {
        return array_keys($this->config['clients'] ?? []);
    }

    /**
     * Block $name as a PayToken\Client config: unset .env values (null) are left out, so
     * the library's defaults apply.
     *
     * @return array<string, mixed>
     */
    public function clientConfig(string $name): array
    {
        $block = $this->config['clients'][$name] ?? null;
        if (!\is_array($block)) {
            $known = implode(', ', $this->names());
            throw new \InvalidArgumentException("paytoken: no client \"$name\" in config/paytoken.php (configured: $known).");
        }
        return array_filter($block, static function ($value): bool {
            return $value !== null;
        });
    }

    /**
     * @param array<int, mixed> $arguments
     * @return mixed
     */
    public function __call(string $method, array $arguments)
    {
        return $this->client()->{$method}(...$arguments);
    }
}
