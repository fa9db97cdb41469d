<?php

declare(strict_types=1);

namespace PayToken\Tests\Processes;

use PHPUnit\Framework\TestCase;

/**
 * Issue 15: under PHP-FPM the master preloads before the pool's env[PAYTOKEN_LIB] exists,
 * so preload.php must not warn that the library is missing when requests will find it.
 * Here: opcache.preload of a copy of the package outside any checkout, PAYTOKEN_LIB unset
 * at preload time.
 */
final class PreloadWarningTest extends TestCase
{
    /** @var string|null */
    private $copy = null;

    public function testPreloadSaysNothingWhenTheLibraryIsOnlyKnownToTheWorkers(): void
    {
        if (!\function_exists('opcache_get_status') && !\extension_loaded('Zend OPcache')) {
            self::markTestSkipped('opcache is not loaded in this PHP');
        }
        $this->copy = sys_get_temp_dir() . '/paytoken-preload-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->copy);
        $package = \dirname(__DIR__, 2);
        exec('cp -r ' . escapeshellarg("$package/src") . ' ' . escapeshellarg("$package/autoload.php") . ' '
            . escapeshellarg("$package/preload.php") . ' ' . escapeshellarg($this->copy . '/'));

        $command = [PHP_BINARY, '-d', 'opcache.enable=1', '-d', 'opcache.enable_cli=1',
            '-d', 'opcache.preload=' . $this->copy . '/preload.php', '-d', 'opcache.preload_user=' . get_current_user(),
            '-r', 'echo "started";'];
        $env = ['PAYTOKEN_LIB' => ''] + getenv();
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($process);
        $output = (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        self::assertSame(0, proc_close($process), $output);
        self::assertStringContainsString('started', $output);
        self::assertStringNotContainsString('not found', $output);
        self::assertStringNotContainsString('Warning', $output);
    }

    protected function tearDown(): void
    {
        if ($this->copy !== null) {
            exec('rm -rf ' . escapeshellarg($this->copy));
        }
    }
}
