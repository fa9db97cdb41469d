<?php

declare(strict_types=1);

namespace PayToken\Laravel;

use PayToken\Client;

/**
 * Clients' stats() in the Prometheus text format, under the names of the README's
 * "Metrics" table: metrics.json beside src/, the copy of the vocabulary the `paytoken`
 * command formats from (scripts/sync-metrics.sh keeps it identical). Labels `gateway` and
 * `client`; a null stats key has its HELP and TYPE lines but no sample, as everywhere.
 */
final class Metrics
{
    public const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

    /** @param array<string, Client> $clients the `client` label => its client */
    public static function text(array $clients): string
    {
        $stats = [];
        foreach ($clients as $label => $client) {
            $stats[(string) $label] = $client->stats()->toArray();
        }
        $text = '';
        foreach (self::vocabulary() as $metric) {
            $name = $metric['name'];
            $text .= "# HELP $name " . strtr($metric['help'], ['\\' => '\\\\', "\n" => '\\n']) . "\n";
            $text .= "# TYPE $name {$metric['type']}\n";
            foreach ($stats as $label => $values) {
                $raw = $values[$metric['statsKey']] ?? null;
                if ($raw === null) {
                    continue;
                }
                $labels = 'gateway="' . self::label((string) $values['gateway']) . '",client="' . self::label($label) . '"';
                $text .= "$name{{$labels}} " . json_encode($raw * $metric['scale']) . "\n";
            }
        }
        return $text;
    }

    /** @return array<int, array{name: string, type: string, unit: string, statsKey: string, scale: int|float, help: string}> */
    public static function vocabulary(): array
    {
        $json = json_decode((string) file_get_contents(\dirname(__DIR__) . '/metrics.json'), true);
        return $json['metrics'];
    }

    private static function label(string $raw): string
    {
        return strtr($raw, ['\\' => '\\\\', '"' => '\\"', "\n" => '\\n']);
    }
}
