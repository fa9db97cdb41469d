<?php

declare(strict_types=1);

namespace PayToken\Tests\Processes;

use PHPUnit\Framework\TestCase;

/**
 * How the wrapper finds and loads the library in a plain `php` process, and what it says
 * when it cannot. Each case is a fresh PHP process with its own ini and environment.
 */
final class CliSetupTest extends TestCase
{
    /** @var string[] temporary copies of the package to remove */
    private $copies = [];

    private const PROBE = 'require %s; try { %s echo PayToken\Library::mode(), " ", PayToken\Library::version(); } '
        . 'catch (PayToken\Exception\SetupException $e) { echo get_class($e), ": ", $e->getMessage(); exit(3); }';

    public function testTheCliLoadsWithCdefUnderTheDefaultFfiEnable(): void
    {
        [$status, $output] = $this->probe(['ffi.enable' => 'preload']);
        self::assertSame(0, $status, $output);
        self::assertMatchesRegularExpression('/^cdef \d+\.\d+\.\d+/', $output);
    }

    public function testAPreloadHeaderGivesTheScopeMode(): void
    {
        $header = sys_get_temp_dir() . '/paytoken-cli-test-' . getmypid() . '.h';
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(\dirname(__DIR__, 2) . '/bin/paytoken-preload-header') . ' ' . escapeshellarg($header), $lines, $status);
        self::assertSame(0, $status, implode("\n", $lines));
        $text = (string) file_get_contents($header);
        self::assertStringContainsString('#define FFI_SCOPE "PAYTOKEN"', $text);
        self::assertMatchesRegularExpression('~#define FFI_LIB "/[^"]+libpaytoken\.so"~', $text);

        [$status, $output] = $this->probe(['ffi.preload' => $header]);
        unlink($header);
        self::assertSame(0, $status, $output);
        self::assertStringStartsWith('scope ', $output);
    }

    public function testDisabledFfiSaysWhatToSet(): void
    {
        [$status, $output] = $this->probe(['ffi.enable' => '0']);
        self::assertSame(3, $status, $output);
        self::assertStringContainsString('SetupException', $output);
        self::assertStringContainsString('FFI is disabled', $output);
        self::assertStringContainsString('ffi.enable=true', $output);
    }

    public function testAWrongPaytokenLibIsNamedAndNotPaperedOver(): void
    {
        [$status, $output] = $this->probe([], ['PAYTOKEN_LIB' => '/nonexistent/libpaytoken.so']);
        self::assertSame(3, $status, $output);
        self::assertStringContainsString('PAYTOKEN_LIB names /nonexistent/libpaytoken.so', $output);
    }

    public function testAPackageOutsideACheckoutSaysWhereToPointPaytokenLib(): void
    {
        $copy = $this->copyOfThePackage();
        [$status, $output] = $this->probe([], ['PAYTOKEN_LIB' => ''], $copy . '/autoload.php');

        self::assertSame(3, $status, $output);
        self::assertStringContainsString('libpaytoken.so not found', $output);
        self::assertStringContainsString('env[PAYTOKEN_LIB]', $output);
        self::assertStringContainsString('Library::setPath', $output);
    }

    public function testAPackageOutsideACheckoutUsesSetPathAndTheHeaderBesideTheLibrary(): void
    {
        // An ops-team layout: /opt/paytoken/lib/libpaytoken.so + /opt/paytoken/include/paytoken_ffi.h.
        $copy = $this->copyOfThePackage();
        $opt = $copy . '/opt';
        mkdir("$opt/lib", 0755, true);
        mkdir("$opt/include");
        copy($this->checkout('target/release/libpaytoken.so'), "$opt/lib/libpaytoken.so");
        copy($this->checkout('include/paytoken_ffi.h'), "$opt/include/paytoken_ffi.h");
        $setPath = sprintf('PayToken\\Library::setPath(%s); ', var_export("$opt/lib/libpaytoken.so", true));

        [$status, $output] = $this->probe([], ['PAYTOKEN_LIB' => ''], $copy . '/autoload.php', $setPath . 'echo PayToken\\Library::path(), " ";');

        self::assertSame(0, $status, $output);
        self::assertStringStartsWith("$opt/lib/libpaytoken.so cdef ", $output);
    }

    public function testAPackageWithItsOwnLibDirectoryNeedsNoSetting(): void
    {
        $copy = $this->copyOfThePackage();
        mkdir("$copy/lib");
        copy($this->checkout('target/release/libpaytoken.so'), "$copy/lib/libpaytoken.so");
        copy($this->checkout('include/paytoken_ffi.h'), "$copy/lib/paytoken_ffi.h");

        [$status, $output] = $this->probe([], ['PAYTOKEN_LIB' => ''], $copy . '/autoload.php', 'echo PayToken\\Library::path(), " ";');

        self::assertSame(0, $status, $output);
        self::assertStringStartsWith("$copy/lib/libpaytoken.so cdef ", $output);
    }

    public function testALibraryThatIsNotPaytokenIsExplained(): void
    {
        [$status, $output] = $this->probe([], ['PAYTOKEN_LIB' => $this->anySharedLibrary()]);
        self::assertSame(3, $status, $output);
        self::assertStringContainsString('FFI::cdef could not load', $output);
    }

    /**
     * @param array<string, string> $ini
     * @param array<string, string> $env
     * @return array{0: int, 1: string}
     */
    private function probe(array $ini, array $env = [], ?string $autoload = null, string $before = ''): array
    {
        $command = [PHP_BINARY];
        foreach ($ini as $key => $value) {
            $command[] = '-d';
            $command[] = "$key=$value";
        }
        $command[] = '-r';
        $command[] = sprintf(self::PROBE, var_export($autoload ?? \dirname(__DIR__, 2) . '/autoload.php', true), $before);
        $environment = $env + getenv();
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $environment);
        self::assertIsResource($process);
        $output = (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), trim($output)];
    }

    /** The package alone, as Composer installs it: no paytoken checkout around it. */
    private function copyOfThePackage(): string
    {
        $copy = sys_get_temp_dir() . '/paytoken-php-copy-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($copy);
        $this->copies[] = $copy;
        exec('cp -r ' . escapeshellarg(\dirname(__DIR__, 2) . '/src') . ' ' . escapeshellarg(\dirname(__DIR__, 2) . '/autoload.php') . ' ' . escapeshellarg($copy . '/'));
        return realpath($copy) ?: $copy;
    }

    private function checkout(string $path): string
    {
        return \dirname(__DIR__, 4) . '/' . $path;
    }

    protected function tearDown(): void
    {
        foreach ($this->copies as $copy) {
            exec('rm -rf ' . escapeshellarg($copy));
        }
    }

    private function anySharedLibrary(): string
    {
        foreach (['/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libz.so.1', '/lib/aarch64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1'] as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        self::markTestSkipped('no libz.so.1 to stand in for a wrong library');
    }
}
