<?php

declare(strict_types=1);

namespace PayToken\Laravel\Tests;

/**
 * Builds the test's Laravel application in a temporary folder: tests/app (artisan,
 * bootstrap/app.php, the skeleton's config), the given files, and both paytoken packages
 * installed by Composer: the Laravel package from the archive `make dist` ships
 * (packaging/make-laravel-archive.sh), the library from this checkout (a path repository:
 * its archive needs every platform's build). Packagist is off: nothing is downloaded. The
 * framework is Debian's, loaded through the app's autoload "files".
 */
final class LaravelApp
{
    public static function folder(): string
    {
        $dir = sys_get_temp_dir() . '/paytoken-laravel-' . bin2hex(random_bytes(4));
        mkdir($dir, 0700);
        return $dir;
    }

    /** @param array<string, string> $files path in the app => content */
    public static function build(string $dir, string $package, string $framework, array $files): void
    {
        self::copy($package . '/tests/app', $dir);
        foreach (['bootstrap/cache', 'storage/framework', 'storage/logs', 'storage/paytoken', 'routes'] as $sub) {
            @mkdir("$dir/$sub", 0700, true);
        }
        foreach ($files as $path => $content) {
            file_put_contents("$dir/$path", $content);
        }
        [$status, $out] = self::run(\dirname($package), ['packaging/make-laravel-archive.sh', "$dir/packages"], self::composerEnv($dir), false);
        if ($status !== 0) {
            throw new \RuntimeException("make-laravel-archive.sh failed:\n$out");
        }
        $composer = [
            'name' => 'shop/laravel-app',
            'type' => 'project',
            'require' => ['paytoken/paytoken-laravel' => '*'],
            // Debian's php-laravel-framework provides these (Composer cannot see apt's packages).
            'provide' => ['illuminate/support' => '8.83.26', 'illuminate/console' => '8.83.26'],
            'repositories' => [
                ['type' => 'artifact', 'url' => "$dir/packages"],
                ['type' => 'path', 'url' => \dirname($package), 'options' => ['versions' => ['paytoken/paytoken' => '0.1.0']]],
                ['packagist.org' => false],
            ],
            'autoload' => ['psr-4' => ['App\\' => 'app/'], 'files' => [$framework]],
        ];
        file_put_contents("$dir/composer.json", json_encode($composer, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
        [$status, $out] = self::run($dir, ['composer', 'install', '--no-interaction', '--no-progress'], self::composerEnv($dir), false);
        if ($status !== 0) {
            throw new \RuntimeException("composer install failed:\n$out");
        }
    }

    /**
     * Runs a command in the app (a PHP script when $php), stdout and stderr together.
     *
     * @param string[] $argv
     * @param array<string, string> $env added to this process's environment (it beats .env)
     * @return array{0: int, 1: string}
     */
    public static function run(string $dir, array $argv, array $env = [], bool $php = true): array
    {
        $command = $php ? array_merge([PHP_BINARY], $argv) : $argv;
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, $dir, $env + getenv());
        if (!\is_resource($process)) {
            throw new \RuntimeException('cannot run ' . implode(' ', $command));
        }
        $out = (string) stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        return [proc_close($process), $out];
    }

    /** @return array<string, string> Composer's home and cache inside the app: nothing shared */
    private static function composerEnv(string $dir): array
    {
        return ['COMPOSER_ALLOW_SUPERUSER' => '1', 'COMPOSER_HOME' => "$dir/.composer", 'COMPOSER_CACHE_DIR' => "$dir/.composer/cache"];
    }

    public static function remove(string $dir): void
    {
        $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
        foreach ($items as $item) {
            $item->isDir() && !$item->isLink() ? rmdir($item->getPathname()) : unlink($item->getPathname());
        }
        rmdir($dir);
    }

    private static function copy(string $from, string $to): void
    {
        $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($from, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::SELF_FIRST);
        foreach ($items as $item) {
            $target = $to . '/' . substr($item->getPathname(), \strlen($from) + 1);
            $item->isDir() ? @mkdir($target, 0700, true) : copy($item->getPathname(), $target);
        }
    }
}
