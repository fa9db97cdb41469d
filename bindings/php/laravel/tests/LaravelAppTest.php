<?php

declare(strict_types=1);

namespace PayToken\Laravel\Tests;

use PayToken\Tests\Support\Simulator;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/LaravelApp.php';
require_once __DIR__ . '/MetricTable.php';

/**
 * A real Laravel application (Debian's php-laravel-framework) with paytoken/paytoken-laravel
 * installed by Composer from this checkout, its .env and routes/web.php taken from the PHP
 * README's Laravel section, booted against the simulator: package discovery, config from
 * .env, the singleton and the facade, vendor:publish, and `php artisan paytoken:check`.
 */
final class LaravelAppTest extends TestCase
{
    private const FRAMEWORK = '/usr/share/php/Illuminate/autoload.php';
    private const V2_SECRET = 'sim_portone_v2_api_secret';

    /** @var Simulator|null */
    private static $sim;

    /** @var string the application's folder */
    private static $app;

    public static function setUpBeforeClass(): void
    {
        if (!is_file(self::FRAMEWORK)) {
            self::markTestSkipped('skipped: Laravel is not installed (apt-get install php-laravel-framework; make deps does)');
        }
        self::$sim = new Simulator();
        self::$app = LaravelApp::folder();
        $files = self::readmeFiles([
            'PORTONE_API_SECRET' => self::V2_SECRET,
            'PAYTOKEN_CACHE_DIR' => self::$app . '/storage/paytoken',
        ]);
        $files['.env'] .= 'PORTONE_BASE_URL=' . self::$sim->url . "\n";
        LaravelApp::build(self::$app, \dirname(__DIR__), self::FRAMEWORK, $files);
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$sim !== null) {
            self::$sim->stop();
        }
        if (self::$app !== null) {
            LaravelApp::remove(self::$app);
        }
    }

    public function testComposerInstallLetsPackageDiscoveryFindTheProviderAndFacade(): void
    {
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'package:discover']);
        self::assertSame(0, $status, $out);
        self::assertStringContainsString('Discovered Package: paytoken/paytoken-laravel', $out);
        $manifest = require self::$app . '/bootstrap/cache/packages.php';
        self::assertSame(['PayToken\\Laravel\\PayTokenServiceProvider'], $manifest['paytoken/paytoken-laravel']['providers']);
        self::assertSame(['PayToken' => 'PayToken\\Laravel\\Facades\\PayToken'], $manifest['paytoken/paytoken-laravel']['aliases']);
        self::assertStringNotContainsString('PayToken', (string) file_get_contents(self::$app . '/config/app.php'));
        self::assertFalse(is_link(self::$app . '/vendor/paytoken/paytoken-laravel'), 'installed from the archive, not linked');
        self::assertFileExists(self::$app . '/vendor/paytoken/paytoken-laravel/metrics.json');
    }

    public function testVendorPublishCopiesTheConfig(): void
    {
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'vendor:publish', '--tag=paytoken-config']);
        self::assertSame(0, $status, $out);
        self::assertFileEquals(\dirname(__DIR__) . '/config/paytoken.php', self::$app . '/config/paytoken.php');
    }

    public function testTheHealthRouteTheSingletonAndTheFacadeShareOneClientAndOneToken(): void
    {
        $before = self::$sim->tokenRequests('portone-v2');
        [$status, $out] = LaravelApp::run(self::$app, ['probe.php']);
        self::assertSame(0, $status, $out);
        $probe = json_decode($out, true);
        self::assertSame(200, $probe['healthStatus'], $out);
        self::assertTrue($probe['health']['ok']);
        self::assertTrue($probe['health']['sameClient']);
        self::assertGreaterThan(60.0, $probe['health']['tokenValidFor']);
        self::assertSame('PayToken\\Laravel\\ClientManager', $probe['manager']);
        self::assertSame('PayToken\\Client', $probe['client']);
        self::assertSame('portone-v2', $probe['gateway']);
        self::assertTrue($probe['sameToken']);
        self::assertSame(1, $probe['tokenFetches']);
        self::assertSame(1, self::$sim->tokenRequests('portone-v2') - $before);
    }

    public function testMetricsRouteEmitsExactlyTheReadmeMetricTableInItsUnits(): void
    {
        // An empty host cache of its own: this process fetches, so every key has a value.
        $cache = self::$app . '/storage/paytoken-metrics';
        mkdir($cache, 0700);
        [$status, $out] = LaravelApp::run(self::$app, ['probe.php'], ['PAYTOKEN_CACHE_DIR' => $cache]);
        self::assertSame(0, $status, $out);
        $probe = json_decode($out, true);
        self::assertStringStartsWith('text/plain; version=0.0.4', $probe['metricsType']);
        $table = MetricTable::readme(self::repo() . '/README.md');
        self::assertGreaterThanOrEqual(12, \count($table));
        $scraped = MetricTable::parse($probe['metrics']);
        self::assertSame([], MetricTable::mismatches($table, $scraped));
        foreach ($table as $name => $row) {
            $raw = $probe['stats'][$row['statsKey']];
            self::assertNotNull($raw, "$name: a token was fetched, so every key has a value");
            $expected = $row['unit'] === 'seconds' ? $raw / 1000 : $raw;
            // The token's life shrank between the scrape and the stats read; a unit slip
            // (milliseconds as seconds) is off by a factor of 1000, far beyond this.
            $slack = $row['statsKey'] === 'tokenValidForMs' ? 30.0 : 0.001;
            self::assertEqualsWithDelta($expected, $scraped[$name]['samples']['portone'], $slack, $name);
        }
        // The comparison catches a drift: a renamed metric is reported both ways.
        $renamed = $scraped;
        $renamed['paytoken_token_fetch_total'] = $renamed['paytoken_token_fetches_total'];
        unset($renamed['paytoken_token_fetches_total']);
        self::assertSame(['not in the README: paytoken_token_fetch_total', 'not emitted: paytoken_token_fetches_total'], MetricTable::mismatches($table, $renamed));
    }

    public function testThePackagesMetricListIsTheCommandsCopy(): void
    {
        self::assertFileEquals(self::repo() . '/src/bin/paytoken/metrics.json', \dirname(__DIR__) . '/metrics.json', 'run scripts/sync-metrics.sh');
    }

    public function testArtisanCheckGetsATokenAndShowsItsLifeAndTheClockSkew(): void
    {
        $before = self::$sim->tokenRequests('portone-v2');
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'paytoken:check']);
        self::assertSame(0, $status, $out);
        self::assertStringContainsString('OK: client "portone": portone-v2 at ' . self::$sim->url . ' accepted the credentials', $out);
        self::assertMatchesRegularExpression('/^token valid for   \d+m \d\ds$/m', $out);
        self::assertMatchesRegularExpression('/^clock skew        [+-]\d+\.\d s \(/m', $out);
        // The credentials were really tried: a token request, not the host cache's token.
        self::assertSame(1, self::$sim->tokenRequests('portone-v2') - $before);
    }

    public function testArtisanCheckFailsClearlyOnAWrongSecretWithoutShowingIt(): void
    {
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'paytoken:check'], ['PORTONE_API_SECRET' => 'wrong-secret-4711']);
        self::assertSame(1, $status, $out);
        self::assertStringContainsString('FAILED: client "portone"', $out);
        self::assertStringContainsString('refused the apiSecret', $out);
        self::assertStringNotContainsString('wrong-secret-4711', $out);
    }

    public function testArtisanCheckAllChecksEveryBlockAndFailsOnAnUnconfiguredOne(): void
    {
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'paytoken:check', '--all']);
        self::assertSame(1, $status, $out);
        self::assertStringContainsString('OK: client "portone"', $out);
        self::assertStringContainsString('FAILED: client "iamport" (portone-v1 (its production origin)): config key "impKey" is required', $out);
        self::assertStringContainsString('FAILED: client "nicepay"', $out);
    }

    public function testArtisanCheckNamesAnUnknownClientAndTheConfiguredOnes(): void
    {
        [$status, $out] = LaravelApp::run(self::$app, ['artisan', 'paytoken:check', 'shop2']);
        self::assertSame(1, $status, $out);
        self::assertStringContainsString('no client "shop2" in config/paytoken.php (configured: portone, iamport, nicepay)', $out);
    }

    private static function repo(): string
    {
        return \dirname(__DIR__, 4);
    }

    /**
     * The README's `laravel-file=PATH` blocks, with $values for the .env keys it names.
     *
     * @param array<string, string> $values
     * @return array<string, string> path in the app => content
     */
    private static function readmeFiles(array $values): array
    {
        $readme = (string) file_get_contents(\dirname(__DIR__, 2) . '/README.md');
        preg_match_all('/^```\w+[^\n]*\blaravel-file=(\S+)[^\n]*\n(.*?)^```$/ms', $readme, $blocks, PREG_SET_ORDER);
        $files = [];
        foreach ($blocks as [, $path, $code]) {
            if ($path === '.env') {
                $code = preg_replace_callback('/^(\w+)=.*$/m', static function (array $m) use ($values): string {
                    return $m[1] . '=' . ($values[$m[1]] ?? substr($m[0], \strlen($m[1]) + 1));
                }, $code);
            }
            $files[$path] = $code;
        }
        self::assertSame(['.env', 'routes/web.php'], array_keys($files), 'the README\'s Laravel blocks');
        return $files;
    }
}
