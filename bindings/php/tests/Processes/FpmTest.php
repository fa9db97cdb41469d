<?php

declare(strict_types=1);

namespace PayToken\Tests\Processes;

use PayToken\Native\PreloadHeader;
use PayToken\Tests\Support\Fpm;
use PayToken\Tests\Support\Simulator;
use PHPUnit\Framework\TestCase;

/**
 * The point of the package: under a real PHP-FPM, the token outlives the request. 50
 * requests through FastCGI, and the simulator counts one token request per worker.
 */
final class FpmTest extends TestCase
{
    private const REQUESTS = 50;

    private const WORKERS = 2;

    /** @var Simulator */
    private $sim;

    /** @var Fpm|null */
    private $fpm = null;

    /** @var string */
    private $scratch;

    protected function setUp(): void
    {
        $this->sim = new Simulator();
        $this->scratch = sys_get_temp_dir() . '/paytoken-php-test-' . getmypid();
    }

    protected function tearDown(): void
    {
        if ($this->fpm !== null) {
            $this->fpm->stop();
        }
        $this->sim->stop();
        @unlink($this->scratch . '.h');
    }

    /** The production setup for a root master: ffi.preload + opcache.preload, ffi.enable left at "preload". */
    public function testPreloadedScopeFetchesTheTokenOncePerWorker(): void
    {
        $header = PreloadHeader::write($this->scratch . '.h');
        $ini = $this->preloadIni() + ['ffi.preload' => $header];

        $this->startFpm($ini, []);

        $this->assertOneTokenFetchPerWorker('scope');
    }

    /**
     * opcache.preload alone. Unprivileged, preload.php loads the scope with FFI::load();
     * as root (preload_user), PHP forbids that and the preloaded classes use FFI::cdef.
     */
    public function testOpcachePreloadAloneWorksWithDefaultFfiEnable(): void
    {
        $this->startFpm($this->preloadIni(), []);

        $this->assertOneTokenFetchPerWorker(Fpm::isRoot() ? 'cdef' : 'scope');
    }

    /** An unprivileged master: preload.php itself loads the scope with FFI::load(). */
    public function testUnprivilegedOpcachePreloadLoadsTheScopeItself(): void
    {
        $this->startFpm($this->preloadIni(false), [], true);

        $this->assertOneTokenFetchPerWorker('scope');
    }

    /** ffi.enable=true, nothing preloaded: the FFI object dies with each request, the library does not. */
    public function testCdefModeTokenSurvivesTheEndOfEachRequest(): void
    {
        $this->startFpm(['opcache.enable' => '0', 'ffi.enable' => 'true'], []);

        $this->assertOneTokenFetchPerWorker('cdef');
    }

    public function testNeitherPreloadNorCdefExplainsWhatToConfigure(): void
    {
        $this->startFpm(['opcache.enable' => '1', 'ffi.enable' => 'preload'], []);

        $answer = $this->request();
        self::assertSame('PayToken\\Exception\\SetupException', $answer['error'] ?? null, json_encode($answer));
        foreach (['ffi.enable=preload', 'ffi.preload=', 'opcache.preload=', 'ffi.enable=true'] as $hint) {
            self::assertStringContainsString($hint, $answer['message']);
        }
        self::assertSame(0, $this->sim->tokenRequests('nicepay'));
    }

    /** @return array<string, string> */
    private function preloadIni(bool $asRoot = true): array
    {
        $ini = [
            'opcache.enable' => '1',
            'opcache.preload' => \dirname(__DIR__, 2) . '/preload.php',
            'ffi.enable' => 'preload',
        ];
        if ($asRoot && Fpm::isRoot()) {
            $ini['opcache.preload_user'] = 'root'; // PHP refuses to preload as root without it
        }
        return $ini;
    }

    /**
     * @param array<string, string> $ini
     * @param array<string, string> $env
     */
    private function startFpm(array $ini, array $env, bool $unprivileged = false): void
    {
        $env['PAYTOKEN_SIM_URL'] = $this->sim->url;
        $library = getenv('PAYTOKEN_LIB');
        if ($library !== false && $library !== '') {
            $env['PAYTOKEN_LIB'] = $library; // clear_env: the pool passes it on explicitly
        }
        $this->fpm = new Fpm($ini, $env, self::WORKERS, $unprivileged);
    }

    /** @return array<string, mixed> */
    private function request(): array
    {
        \assert($this->fpm !== null);
        $body = $this->fpm->get(\dirname(__DIR__) . '/fixtures/fpm-app.php');
        $answer = json_decode($body, true);
        self::assertIsArray($answer, "not JSON: $body\n" . $this->fpm->log());
        return $answer;
    }

    private function assertOneTokenFetchPerWorker(string $mode): void
    {
        $lastStatsByWorker = [];
        for ($i = 0; $i < self::REQUESTS; $i++) {
            $answer = $this->request();
            self::assertArrayNotHasKey('error', $answer, (string) json_encode($answer));
            self::assertSame($mode, $answer['mode']);
            self::assertSame(200, $answer['status']);
            $lastStatsByWorker[$answer['pid']] = $answer['stats'];
        }

        $workers = \count($lastStatsByWorker);
        self::assertLessThanOrEqual(self::WORKERS, $workers, 'workers were replaced: the test would prove nothing');
        self::assertSame($workers, $this->sim->tokenRequests('nicepay'), 'one token request per worker, not per request');
        self::assertSame(self::REQUESTS, (int) $this->sim->stats()['apiRequests']['nicepay']);
        $hits = 0;
        foreach ($lastStatsByWorker as $pid => $stats) {
            self::assertSame(1, $stats['tokenFetches'], "worker $pid fetched more than once");
            $hits += $stats['cacheHits'];
        }
        // Every token() but each worker's first was served from memory.
        self::assertGreaterThanOrEqual(self::REQUESTS - $workers, $hits);
        fwrite(STDERR, sprintf("\n  [%s] %d requests, %d workers, %d token requests at the gateway, %d cache hits\n",
            $mode, self::REQUESTS, $workers, $this->sim->tokenRequests('nicepay'), $hits));
    }
}
