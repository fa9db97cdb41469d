<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\InvalidArgumentException;
use PayToken\Exception\NetworkException;
use PayToken\Exception\TimeoutException;
use PayToken\NetCancelResult;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\Simulator;

/**
 * Unknown outcomes made safe (issue 13), end to end against the simulator in its
 * faithful mode: payments exist only once created through its admin API.
 */
final class RecoveryTest extends SimTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->sim->configure(['implicitPayments' => false]);
    }

    private function processed(string $gateway): int
    {
        return (int) $this->sim->stats()['processed'][$gateway];
    }

    public function testAV2CancelThatTimedOutIsRetriedWithTheSameKeyAndProcessedOnce(): void
    {
        $this->sim->createPayment(['gateway' => 'portone-v2', 'id' => 'php-pay-1', 'amount' => 5000]);
        $this->sim->fault(['gateway' => 'portone-v2', 'endpoint' => 'api', 'kind' => 'process-then-hang']);
        $client = $this->portoneV2();
        $cancel = ['reason' => 'customer asked', 'amount' => 1000];
        try {
            $client->post('/payments/php-pay-1/cancel', $cancel, ['timeout' => 0.5]);
            self::fail('the answer was lost: a timeout');
        } catch (TimeoutException $lost) {
            $key = $lost->getIdempotencyKey();
        }
        self::assertSame(32, \strlen((string) $key));
        self::assertSame(1, $this->processed('portone-v2'), 'the gateway acted on it');

        $again = $client->post('/payments/php-pay-1/cancel', $cancel, ['idempotencyKey' => $key]);
        self::assertSame(200, $again->status());
        self::assertSame($key, $again->idempotencyKey());
        self::assertSame(1000, $again->json()['cancellation']['totalAmount']);
        self::assertSame(1, $this->processed('portone-v2'), 'processed once');
        self::assertSame(1, $this->sim->stats()['idempotentReplays']);
        self::assertSame(1000, $client->get('/payments/php-pay-1')->json()['amount']['cancelled']);
    }

    public function testKeysOnV2OnlyAndACallersOwnKey(): void
    {
        $this->sim->createPayment(['gateway' => 'portone-v2', 'id' => 'php-pay-2', 'amount' => 5000]);
        $client = $this->portoneV2();
        $first = $client->post('/payments/php-pay-2/cancel', ['reason' => 'r', 'amount' => 10]);
        self::assertSame('"' . $first->idempotencyKey() . '"', $this->sim->lastRequest()['headers']['idempotency-key']);
        self::assertNull($client->get('/payments/php-pay-2')->idempotencyKey());
        $nicepay = $this->nicepay()->post('/v1/payments/no-such-tid/cancel', ['reason' => 'r']);
        self::assertNull($nicepay->idempotencyKey());
        self::assertArrayNotHasKey('idempotency-key', $this->sim->lastRequest()['headers']);

        $own = 'php-order-1-cancel-01';
        $byOption = $client->post('/payments/php-pay-2/cancel', ['reason' => 'r'], ['idempotencyKey' => $own]);
        $byHeader = $client->post('/payments/php-pay-2/cancel', ['reason' => 'r'], ['headers' => ['Idempotency-Key' => "\"$own\""]]);
        self::assertSame($own, $byHeader->idempotencyKey());
        self::assertSame($byOption->body(), $byHeader->body(), 'the same key replays the first answer');
        $this->expectException(InvalidArgumentException::class);
        $client->post('/payments/php-pay-2/cancel', ['reason' => 'r'], ['idempotencyKey' => $own, 'headers' => ['Idempotency-Key' => "\"$own\""]]);
    }

    public function testTheReadmesV2CancelWithAnUnquotedIdempotencyKeyHeaderSucceeds(): void
    {
        // README: ['headers' => ['Idempotency-Key' => $idempotencyKey]] — the library sends
        // the key as the RFC 8941 string the gateway requires, and names the key it sent.
        $this->sim->createPayment(['gateway' => 'portone-v2', 'id' => 'php-pay-hdr', 'amount' => 5000]);
        $idempotencyKey = 'cancel-order-0042';
        $cancel = $this->portoneV2()->post('/payments/php-pay-hdr/cancel', ['reason' => '고객 요청'],
            ['headers' => ['Idempotency-Key' => $idempotencyKey]]);
        self::assertSame(200, $cancel->status(), $cancel->body());
        self::assertSame($idempotencyKey, $cancel->idempotencyKey());
        self::assertSame('"cancel-order-0042"', $this->sim->lastRequest()['headers']['idempotency-key']);
    }

    public function testRetryUnknownOutcomeResendsALostAnswerByItself(): void
    {
        $this->sim->createPayment(['gateway' => 'portone-v2', 'id' => 'php-pay-3', 'amount' => 5000]);
        $this->sim->fault(['gateway' => 'portone-v2', 'endpoint' => 'api', 'kind' => 'process-then-close']);
        $client = $this->portoneV2(['retryUnknownOutcome' => true]);
        $answer = $client->post('/payments/php-pay-3/cancel', ['reason' => 'r', 'amount' => 700]);
        self::assertSame(700, $answer->json()['cancellation']['totalAmount']);
        self::assertSame(1, $this->processed('portone-v2'));
        self::assertSame(1, $client->stats()['unknownOutcomeRetries']);
        $this->sim->fault(['gateway' => 'portone-v2', 'endpoint' => 'api', 'kind' => 'process-then-close']);
        try {
            $client->post('/payments/php-pay-3/cancel', ['reason' => 'r'], ['retryUnknownOutcome' => false]);
            self::fail('not resent when turned off for the call');
        } catch (NetworkException $lost) {
            self::assertNotNull($lost->getIdempotencyKey());
        }
    }

    public function testANicepayApprovalThatTimedOutIsNetworkCancelled(): void
    {
        $this->sim->createPayment(['gateway' => 'nicepay', 'id' => 'php-tid-9', 'orderId' => 'php-order-9', 'amount' => 7000, 'status' => 'ready']);
        $client = $this->nicepay();
        $client->token();
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'process-then-hang']);
        try {
            $client->post('/v1/payments/php-tid-9', ['amount' => 7000], ['timeout' => 0.5]);
            self::fail('the answer was lost: a timeout');
        } catch (TimeoutException $lost) {
            self::assertNull($lost->getIdempotencyKey());
        }
        self::assertSame(1, $this->processed('nicepay'), 'yet NICEPAY approved it');

        $result = $client->nicepayNetcancel('php-order-9');
        self::assertSame([NetCancelResult::CANCELLED, '0000', 200], [$result->outcome(), $result->resultCode(), $result->httpStatus()]);
        self::assertSame('cancelled', $client->get('/v1/payments/php-tid-9')->json()['status']);
        $again = $client->nicepayNetcancel('php-order-9');
        self::assertSame([NetCancelResult::NOT_NEEDED, '2015'], [$again->outcome(), $again->resultCode()]);

        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'hang']);
        $hung = $client->nicepayNetcancel('php-order-9', ['timeout' => 0.3]);
        self::assertTrue($hung->mustRetry());
        self::assertSame(0, $hung->httpStatus());
        self::assertNotSame('', $hung->resultMsg());
    }

    public function testNicepaySignKeepsTheSecretInside(): void
    {
        $edi = '2026-11-29T13:00:00.000+09:00';
        self::assertSame(
            hash('sha256', 'php-order-9' . $edi . Simulator::NICEPAY_SECRET_KEY),
            $this->nicepay()->nicepaySign('php-order-9', $edi)
        );
        self::assertSame(hash('sha256', Simulator::NICEPAY_SECRET_KEY), $this->nicepay()->nicepaySign());
        $this->expectException(InvalidArgumentException::class);
        $this->portoneV2()->nicepaySign('x');
    }
}
