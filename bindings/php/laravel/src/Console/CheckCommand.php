<?php

declare(strict_types=1);

namespace PayToken\Laravel\Console;

use Illuminate\Console\Command;
use PayToken\Client;
use PayToken\Exception\PayTokenException;
use PayToken\Laravel\ClientManager;

/**
 * `php artisan paytoken:check [client] [--all]`: what `paytoken check` of the command
 * reports, for the clients of config/paytoken.php: one token request (without the host
 * cache, so the credentials are really tried), then the token's remaining life and the
 * gateway's clock skew from the library's stats. Exit 0 when every checked client got a
 * token; 1 with the library's error message (it names no secret) otherwise.
 */
final class CheckCommand extends Command
{
    /** @var string */
    protected $signature = 'paytoken:check
        {client? : a block of config/paytoken.php (default: paytoken.default)}
        {--all : check every configured client}';

    /** @var string */
    protected $description = 'Get a token from the gateway and show its life and the gateway\'s clock skew';

    public function handle(ClientManager $manager): int
    {
        $names = $this->option('all') ? $manager->names() : [$this->argument('client') ?? $manager->defaultName()];
        $failed = 0;
        foreach ($names as $name) {
            $failed += $this->check($manager, (string) $name) ? 0 : 1;
        }
        return $failed === 0 ? 0 : 1;
    }

    private function check(ClientManager $manager, string $name): bool
    {
        try {
            $config = $manager->clientConfig($name);
            $where = ($config['gateway'] ?? 'the gateway') . (isset($config['baseUrl']) ? " at {$config['baseUrl']}" : ' (its production origin)');
            unset($config['cacheDir']);
            $client = new Client($config);
            $started = microtime(true);
            $client->token();
            $elapsedMs = (int) round((microtime(true) - $started) * 1000);
            $stats = $client->stats();
            $client->close();
        } catch (PayTokenException | \InvalidArgumentException $error) {
            $this->error("FAILED: client \"$name\"" . (isset($where) ? " ($where)" : '') . ': ' . $error->getMessage());
            return false;
        }
        $this->line("OK: client \"$name\": $where accepted the credentials ($elapsedMs ms)");
        $this->line('token valid for   ' . self::validFor($stats->tokenValidFor()));
        $this->line('clock skew        ' . self::skew($stats->gatewayClockSkew()));
        return true;
    }

    private static function validFor(?float $seconds): string
    {
        if ($seconds === null) {
            return 'unknown';
        }
        return sprintf('%dm %02ds', intdiv((int) $seconds, 60), (int) $seconds % 60);
    }

    private static function skew(?float $seconds): string
    {
        if ($seconds === null) {
            return "unknown (the gateway's answer carried no time)";
        }
        if (abs($seconds) < 1.0) {
            $meaning = "in step, to within the gateway's whole seconds";
        } else {
            $meaning = $seconds > 0 ? "the gateway's clock is ahead of this host's" : "the gateway's clock is behind this host's";
        }
        return sprintf('%+.1f s (%s)', $seconds, $meaning);
    }
}
