<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\GatewayException;
use PayToken\Exception\TimeoutException;
use PayToken\Exception\TokenTimeoutException;
use PayToken\Logs;
use PayToken\Tests\Support\SimTestCase;

/**
 * The library's warnings reach a PSR-3 logger at 'warning' whatever the order of setup,
 * and a token request that times out is a TokenTimeoutException (nothing reached the
 * payment API), told apart from a payment call's timeout.
 */
final class WarningsTest extends SimTestCase
{
    /** @return object a PSR-3-shaped logger that keeps [level, message] pairs */
    private static function logger()
    {
        return new class {
            /** @var array<int, array{0: string, 1: string}> */
            public $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [(string) $level, (string) $message];
            }
        };
    }

    /** @param object $logger */
    private function failTheTokenRequest($logger, bool $loggerFirst): void
    {
        if ($loggerFirst) {
            Logs::setLogger($logger, 'warning');
        }
        $client = $this->portoneV1(['tier' => $loggerFirst ? 'warn-first' : 'warn-after']);
        if (!$loggerFirst) {
            Logs::setLogger($logger, 'warning');
        }
        $this->sim->fault(['endpoint' => 'token', 'kind' => 'status', 'status' => 503]);
        try {
            $client->get('/payments/imp_1');
            self::fail('the token request should have failed');
        } catch (GatewayException $expected) {
        } finally {
            Logs::setLogger(null);
        }
    }

    public function testAFailedTokenRequestIsAWarningWhateverTheOrderOfSetup(): void
    {
        foreach ([true, false] as $loggerFirst) {
            $logger = self::logger();
            $this->failTheTokenRequest($logger, $loggerFirst);
            $warnings = array_filter($logger->records, static function (array $r): bool {
                return $r[0] === 'warning' && strpos($r[1], 'token fetch') !== false;
            });
            self::assertNotEmpty($warnings, json_encode($logger->records) ?: '');
            self::assertSame(['warning'], array_values(array_unique(array_column($logger->records, 0))));
        }
    }

    public function testATokenRequestTimeoutIsATokenTimeoutException(): void
    {
        $client = $this->portoneV1(['timeout' => 0.4]);
        $this->sim->fault(['endpoint' => 'token', 'kind' => 'hang']);
        try {
            $client->post('/payments/cancel', '{"imp_uid":"imp_1"}');
            self::fail('the token request should have timed out');
        } catch (TokenTimeoutException $e) {
            self::assertInstanceOf(TimeoutException::class, $e);
            self::assertSame(5, $e->getCode());
            self::assertStringNotContainsString('unknown', $e->getMessage());
        }
        self::assertSame(0, $this->sim->stats()['apiRequests']['portone-v1']);
    }

    public function testAPaymentCallsTimeoutIsNotATokenTimeout(): void
    {
        $client = $this->portoneV1(['timeout' => 0.4]);
        $client->token();
        $this->sim->fault(['endpoint' => 'api', 'kind' => 'hang']);
        try {
            $client->post('/payments/cancel', '{"imp_uid":"imp_1"}');
            self::fail('the request should have timed out');
        } catch (TimeoutException $e) {
            self::assertNotInstanceOf(TokenTimeoutException::class, $e);
            self::assertStringContainsString('unknown', $e->getMessage());
        }
    }
}
