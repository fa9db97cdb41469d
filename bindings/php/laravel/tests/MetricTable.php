<?php

declare(strict_types=1);

namespace PayToken\Laravel\Tests;

/**
 * The README's "Metrics" table (the one metric list) and a Prometheus text scrape compared
 * by name, type and help, as the Python, Node and Java suites compare theirs.
 */
final class MetricTable
{
    /** @return array<string, array{type: string, unit: string, statsKey: string, help: string}> name => row */
    public static function readme(string $readme): array
    {
        $text = (string) file_get_contents($readme);
        $start = strpos($text, '<!-- metrics:start -->');
        $table = substr($text, (int) $start, (int) strpos($text, '<!-- metrics:end -->') - (int) $start);
        $rows = [];
        foreach (explode("\n", $table) as $line) {
            if (strncmp($line, '| `', 3) !== 0) {
                continue;
            }
            $cells = array_map(static function (string $cell): string {
                return trim(trim($cell), '`');
            }, explode('|', trim($line, '|')));
            $rows[$cells[0]] = ['type' => $cells[1], 'unit' => $cells[2] === '—' ? '' : $cells[2], 'statsKey' => $cells[3], 'help' => $cells[4]];
        }
        return $rows;
    }

    /** @return array<string, array{type: string, help: string, samples: array<string, float>}> name => its lines */
    public static function parse(string $text): array
    {
        $out = [];
        foreach (explode("\n", $text) as $line) {
            if (preg_match('/^# (HELP|TYPE) (\w+) (.*)$/', $line, $m) === 1) {
                $out[$m[2]][$m[1] === 'HELP' ? 'help' : 'type'] = $m[3];
            } elseif (preg_match('/^(\w+)\{gateway="([^"]*)",client="([^"]*)"\} (\S+)$/', $line, $m) === 1) {
                $out[$m[1]]['samples'][$m[3]] = (float) $m[4];
            } elseif ($line !== '') {
                $out['?']['help'] = "unparsed line: $line";
            }
        }
        return $out;
    }

    /**
     * What differs between the table and a scrape.
     *
     * @param array<string, array<string, string>> $table
     * @param array<string, array<string, mixed>> $scraped
     * @return string[]
     */
    public static function mismatches(array $table, array $scraped): array
    {
        $found = [];
        foreach (array_diff_key($scraped, $table) as $name => $_) {
            $found[] = "not in the README: $name";
        }
        foreach (array_diff_key($table, $scraped) as $name => $_) {
            $found[] = "not emitted: $name";
        }
        foreach (array_intersect_key($scraped, $table) as $name => $lines) {
            if (($lines['type'] ?? '') !== $table[$name]['type'] || ($lines['help'] ?? '') !== $table[$name]['help']) {
                $found[] = "$name: " . ($lines['type'] ?? '') . ' ' . ($lines['help'] ?? '');
            }
        }
        return $found;
    }
}
