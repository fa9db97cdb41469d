<?php

declare(strict_types=1);

namespace PayToken\Native;

use PayToken\Exception\InvalidArgumentException;

/**
 * PHP names of the library's options, as Guzzle spells them: durations are `timeout` and
 * `connectTimeout` in seconds (int or float), for a client and for one call alike. The
 * ranges come from the library's key table (paytoken_config_schema), so they are the
 * core's rules, told in PHP's names and units. An unknown key is refused, naming it,
 * the closest known one and every known one: it is never sent as something else.
 *
 * @internal
 */
final class Options
{
    /** PHP client option (seconds) => the library's config key (milliseconds). */
    public const SECONDS_KEYS = ['timeout' => 'timeoutMs', 'connectTimeout' => 'connectTimeoutMs'];

    /** @var array<string, array{0: int, 1: int}>|null config key => [min, max] */
    private static $ranges = null;

    /**
     * The client config the library takes: `timeout`/`connectTimeout` (seconds) become
     * `timeoutMs`/`connectTimeoutMs`; those still work as given (deprecated, 0.1 names).
     *
     * @param array<string, mixed> $config
     * @return array<string, mixed>
     */
    public static function clientConfig(array $config): array
    {
        foreach (self::SECONDS_KEYS as $name => $key) {
            if (!\array_key_exists($name, $config)) {
                continue;
            }
            if (\array_key_exists($key, $config)) {
                throw InvalidArgumentException::because("paytoken: give '$name' (seconds) or '$key' (deprecated, milliseconds), not both.");
            }
            $config[$key] = self::milliseconds($name, $config[$name], $key);
            unset($config[$name]);
        }
        return $config;
    }

    /**
     * The per-call deadline in milliseconds from 'timeout' (seconds) or the deprecated
     * 'timeoutMs', or null for the client's.
     *
     * @param array<string, mixed> $options
     */
    public static function callTimeoutMs(array $options): ?int
    {
        if (\array_key_exists('timeout', $options) && \array_key_exists('timeoutMs', $options)) {
            throw InvalidArgumentException::because("paytoken: give 'timeout' (seconds) or 'timeoutMs' (deprecated, milliseconds), not both.");
        }
        if (isset($options['timeout'])) {
            return self::milliseconds('timeout', $options['timeout'], 'timeoutMs');
        }
        return $options['timeoutMs'] ?? null;
    }

    /**
     * Refuses a key of $options not in $known, naming it, a close match and the known ones.
     *
     * @param array<mixed> $options
     * @param list<string> $known
     */
    public static function refuseUnknown(array $options, array $known, string $what, string $hint = ''): void
    {
        foreach (array_keys($options) as $given) {
            if (\in_array($given, $known, true)) {
                continue;
            }
            $given = (string) $given;
            $closest = null;
            $best = 3;
            foreach ($known as $name) {
                $distance = levenshtein(strtolower($given), strtolower($name));
                if ($distance < $best) {
                    [$closest, $best] = [$name, $distance];
                }
            }
            throw InvalidArgumentException::because(sprintf(
                'paytoken: unknown %s \'%s\'%s (known: %s)%s',
                $what,
                substr($given, 0, 40),
                $closest === null ? '' : " (did you mean '$closest'?)",
                implode(', ', $known),
                $hint
            ));
        }
    }

    /** @param mixed $seconds */
    private static function milliseconds(string $name, $seconds, string $key): int
    {
        if (!\is_int($seconds) && !\is_float($seconds)) {
            throw InvalidArgumentException::because("paytoken: '$name' must be a number of seconds (int or float), got " . \gettype($seconds) . '.');
        }
        [$min, $max] = self::range($key);
        if (is_nan((float) $seconds) || $seconds * 1000 < $min || $seconds * 1000 > $max) {
            throw InvalidArgumentException::because(sprintf(
                "paytoken: '%s' => %s is out of range: '%s' is in seconds, from %s to %s%s.",
                $name,
                var_export($seconds, true),
                $name,
                $min / 1000,
                $max / 1000,
                $seconds * 1000 > $max ? ' (a value in milliseconds? divide it by 1000)' : ''
            ));
        }
        return max(1, (int) ceil($seconds * 1000));
    }

    /** @return array{0: int, 1: int} */
    private static function range(string $key): array
    {
        if (self::$ranges === null) {
            self::$ranges = [];
            $schema = json_decode(Loader::text(Loader::ffi()->paytoken_config_schema()), true);
            foreach ((array) ($schema['keys'] ?? []) as $entry) {
                if (isset($entry['min'], $entry['max'])) {
                    self::$ranges[(string) $entry['name']] = [(int) $entry['min'], (int) $entry['max']];
                }
            }
        }
        return self::$ranges[$key] ?? [1, 600000];
    }
}
