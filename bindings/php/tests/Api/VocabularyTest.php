<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Logs;
use PayToken\Stats;
use PayToken\Tests\Support\SimTestCase;

/**
 * Issue 21: Guzzle's get($uri, $options) with 'query'/'headers'/'timeout' (seconds), one
 * unit for a client's timeout and a call's, mistakes refused in PHP's names, every stats
 * key typed, and 'debug'/'warning' log levels.
 */
final class VocabularyTest extends SimTestCase
{
    public function testGetTakesGuzzleOptions(): void
    {
        $client = $this->portoneV1(['timeout' => 30, 'connectTimeout' => 2.5]);
        $response = $client->get('/payments/imp_q', ['query' => ['status' => 'paid'], 'headers' => ['X-Trace' => 't'], 'timeout' => 5]);
        self::assertSame(200, $response->status());
        self::assertStringContainsString('status=paid', (string) json_encode($this->sim->lastRequest()));
    }

    public function testTheNodeHabitIsRefusedNotSentAsAQuery(): void
    {
        $client = $this->portoneV1();
        try {
            $client->get('/payments/imp_1', ['timeoutMs ' => 500]);
            self::fail('a misspelled option must be refused');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString("'timeoutMs '", $e->getMessage());
            self::assertStringContainsString("did you mean 'timeoutMs'", $e->getMessage());
            self::assertStringContainsString("'query' =>", $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessageMatches("/unknown request option 'status'.*known: headers, query, timeout/");
        $client->get('/payments/imp_1', ['status' => 'paid']);
    }

    public function testAValueInMillisecondsIsOutOfRangeInSeconds(): void
    {
        $client = $this->portoneV1();
        try {
            $client->get('/payments/imp_1', ['timeout' => 5000]);
            self::fail('5000 seconds is out of range');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString("'timeout' => 5000 is out of range", $e->getMessage());
            self::assertStringContainsString('milliseconds', $e->getMessage());
            self::assertStringNotContainsString('options_json', $e->getMessage());
        }
        $this->expectExceptionMessageMatches("/'timeout' => 5000 is out of range/");
        $this->portoneV1(['timeout' => 5000]);
    }

    public function testTheMillisecondOptionStillWorks(): void
    {
        $client = $this->portoneV1(['timeoutMs' => 30000]);
        self::assertSame(200, $client->get('/payments/imp_1', ['timeoutMs' => 5000])->status());
        $this->expectExceptionMessageMatches("/give 'timeout' \\(seconds\\) or 'timeoutMs'/");
        $client->get('/payments/imp_1', ['timeoutMs' => 5000, 'timeout' => 5]);
    }

    public function testStatsHasEveryLibraryKeyAsATypedMethod(): void
    {
        $client = $this->portoneV1();
        $client->token();
        $stats = $client->stats();
        self::assertInstanceOf(Stats::class, $stats);
        $methods = [];
        foreach ((new \ReflectionClass(Stats::class))->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
            $methods[] = $method->getName();
        }
        foreach (array_keys($stats->toArray()) as $key) {
            self::assertContains(preg_replace('/Ms$/', '', $key), $methods, "stats key $key has no method");
        }
        self::assertSame('portone-v1', $stats->gateway());
        self::assertSame(1, $stats->tokenFetches());
        self::assertIsFloat($stats->tokenValidFor());
        self::assertSame(1, $stats['tokenFetches']); // the 0.1 array form
    }

    public function testRoutineRecordsAreDebugAndWarningHidesThem(): void
    {
        $logger = new class {
            /** @var array<int, array{0: string, 1: string}> */
            public $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [(string) $level, (string) $message];
            }
        };
        Logs::setLogger($logger, 'warning');
        try {
            $this->portoneV1()->token();
        } finally {
            Logs::setLogger(null);
        }
        self::assertSame([], $logger->records);
        Logs::setLogger($logger);
        try {
            $this->nicepay()->token();
        } finally {
            Logs::setLogger(null);
        }
        self::assertNotEmpty($logger->records);
        self::assertSame(['debug'], array_values(array_unique(array_column($logger->records, 0))));
    }

    /**
     * The README's API section names real methods with real parameters (PHP reflection):
     * a renamed or dropped method or parameter fails here.
     */
    public function testTheReadmeApiSectionMatchesTheClasses(): void
    {
        $readme = (string) file_get_contents(\dirname(__DIR__, 2) . '/README.md');
        $section = explode("\n## ", explode("\n## API\n", $readme, 2)[1], 2)[0];
        preg_match_all('/(?:->|::)(\w+)\(([^)`]*)\)/', $section, $calls, PREG_SET_ORDER);
        $classes = [Client::class, \PayToken\Response::class, Stats::class, \PayToken\NetCancelResult::class, \PayToken\Library::class, Logs::class];
        $checked = 0;
        foreach ($calls as [, $name, $params]) {
            $owner = null;
            foreach ($classes as $class) {
                if (method_exists($class, $name)) {
                    $owner = $class;
                    break;
                }
            }
            self::assertNotNull($owner, "the README shows $name() but no class has it");
            $real = array_map(function (\ReflectionParameter $p): string {
                return $p->getName();
            }, (new \ReflectionMethod($owner, $name))->getParameters());
            preg_match_all('/\$(\w+)/', $params, $given);
            foreach ($given[1] as $param) {
                self::assertContains($param, $real, "the README shows $owner::$name(\$$param)");
            }
            $checked++;
        }
        self::assertGreaterThan(10, $checked);
    }
}
