<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\GatewayException;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Exception\TimeoutException;
use PayToken\Logs;
use PayToken\Native\Loader;
use PayToken\Response;
use PayToken\Tests\Support\SimTestCase;

/**
 * Issue 15 for PHP: query vs headers, {} bodies, put/patch/close, the library's text
 * decoder, per-call timeout, the config key table, the ABI rule and PSR-3 logs.
 */
final class NativeFeelTest extends SimTestCase
{
    public function testTheQueryAndHeadersOfGetGoByName(): void
    {
        $client = $this->portoneV1();
        $response = $client->get('/payments/imp_q', ['query' => ['status' => 'paid'], 'headers' => ['X-Trace' => 't-1']]);
        self::assertSame(200, $response->status());
        $seen = $this->sim->lastRequest();
        self::assertStringContainsString('status=paid', json_encode($seen));
        self::assertSame('t-1', $seen['headers']['x-trace'] ?? null, json_encode($seen));
        self::assertArrayNotHasKey('status', $seen['headers']);
    }

    public function testWhatCannotBePlacedIsRefused(): void
    {
        $client = $this->portoneV1();
        try {
            $client->post('/payments/cancel', ['imp_uid' => 'x'], ['Idempotency-Key' => 'k']);
            self::fail('an option that is a header name must be refused');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString("unknown request option 'Idempotency-Key'", $e->getMessage());
            self::assertStringContainsString("'headers'", $e->getMessage());
        }
    }

    public function testAnEmptyArrayBodyIsAJsonObject(): void
    {
        $client = $this->portoneV1();
        $client->post('/payments/cancel', []);
        self::assertSame('{}', $this->sim->lastRequest()['body'] ?? null, json_encode($this->sim->lastRequest()));
    }

    public function testPutPatchAndClose(): void
    {
        $client = $this->portoneV1();
        $client->put('/payments/imp_1', ['a' => 1], ['headers' => ['Idempotency-Key' => 'o-1']]);
        self::assertSame('PUT', $this->sim->lastRequest()['method']);
        $client->patch('/payments/imp_1', ['a' => 1]);
        self::assertSame('PATCH', $this->sim->lastRequest()['method']);
        $client->close();
        $client->close();
        $this->expectException(InvalidArgumentException::class);
        $client->get('/payments/imp_1');
    }

    public function testEucKrAnswerIsReadByTheLibraryDecoder(): void
    {
        // The simulator answers the payment's own orderId: create the payment with it.
        $this->sim->createPayment(['gateway' => 'nicepay', 'id' => 'tid_k', 'orderId' => '주문-똠', 'amount' => 5000]);
        $client = $this->nicepay(['returnCharSet' => 'euc-kr']);
        $response = $client->post('/v1/payments/tid_k/cancel', ['reason' => '고객 요청', 'orderId' => '주문-똠', 'returnCharSet' => 'euc-kr']);
        self::assertStringContainsStringIgnoringCase('euc-kr', (string) $response->header('content-type'));
        self::assertStringNotContainsString('주문-똠', $response->body());
        self::assertSame('주문-똠', $response->json()['orderId']);
    }

    public function testJsonOfANonJsonBodyNamesTheStatusAndQuotesIt(): void
    {
        try {
            (new Response(502, [], '<html>bad gateway</html>', null, 'GET /x'))->json();
            self::fail('not JSON');
        } catch (GatewayException $e) {
            self::assertSame(502, $e->getHttpStatus());
            self::assertStringContainsString('HTTP 502', $e->getMessage());
            self::assertStringContainsString('<html>bad gateway</html>', $e->getMessage());
        }
    }

    public function testPerCallTimeoutReplacesTheClientDefault(): void
    {
        $client = $this->portoneV1(['timeout' => 30]);
        $client->token();
        $this->sim->fault(['endpoint' => 'api', 'kind' => 'delay', 'delayMs' => 3000, 'count' => 1]);
        $started = microtime(true);
        try {
            $client->get('/payments/imp_slow', ['timeout' => 0.3]);
            self::fail('the per-call timeout must fire');
        } catch (TimeoutException $e) {
            self::assertLessThan(2.5, microtime(true) - $started);
        }
        $this->expectException(InvalidArgumentException::class);
        $client->get('/payments/imp_1', ['timeout' => 0]);
    }

    public function testTheReadmeOptionsTableNamesExactlyTheLibraryKeys(): void
    {
        $schema = json_decode(Loader::text(Loader::ffi()->paytoken_config_schema()), true);
        $keys = array_map(function (array $k): string {
            return $k['name'];
        }, $schema['keys']);
        $readme = (string) file_get_contents(\dirname(__DIR__, 2) . '/README.md');
        $section = explode("\n## ", (string) strstr($readme, "\n## Options"))[1] ?? '';
        preg_match_all('/^\| `(\w+)`/m', $section, $m);
        $documented = $m[1];
        sort($keys);
        sort($documented);
        self::assertSame($keys, $documented);
    }

    public function testAbiRuleNamesFoundAndNeeded(): void
    {
        self::assertStringContainsString('has ABI 1.4', (string) Loader::abiProblem(0x00010004, 552, 552));
        self::assertNull(Loader::abiProblem(0x00010005, 552, 552));
        self::assertStringContainsString('has ABI 2.0; this package needs ABI 1.x', (string) Loader::abiProblem(0x00020000, 552, 552));
        self::assertStringContainsString('has ABI 1.0', (string) Loader::abiProblem(0x00010000, 552, 552));
        self::assertStringContainsString('8 bytes', (string) Loader::abiProblem(0x00010005, 8, 552));
    }

    public function testLogRecordsGoToAPsr3Logger(): void
    {
        $logger = new class {
            /** @var array<int, array{0: string, 1: string}> */
            public $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [(string) $level, (string) $message];
            }
        };
        Logs::setLogger($logger);
        try {
            $client = $this->portoneV1();
            $token = $client->token();
            $client->get('/payments/imp_log');
        } finally {
            Logs::setLogger(null);
        }
        $messages = array_column($logger->records, 1);
        self::assertNotEmpty(array_filter($messages, function (string $m): bool {
            return strpos($m, 'fetch') !== false;
        }), json_encode($logger->records));
        foreach ($logger->records as [$level, $message]) {
            self::assertSame('debug', $level);
            self::assertStringNotContainsString($token, $message);
        }
    }
}
