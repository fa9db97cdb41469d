<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\GatewayException;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\WebhookInbox;
use PayToken\Verification;

/**
 * Issue 25 in PHP: every verdict reason of each gateway through the simulator's payment
 * states; the simulator's own webhooks accepted and every tampered variant refused (the
 * same cases as tests/verify_*.rs in the core).
 */
final class VerifyTest extends SimTestCase
{
    private const SECRET = 'whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=';

    protected function setUp(): void
    {
        parent::setUp();
        $this->sim->configure(['implicitPayments' => false]);
    }

    private function client(string $gateway): Client
    {
        if ($gateway === 'nicepay') {
            return $this->nicepay();
        }
        return $gateway === 'portone-v1' ? $this->portoneV1() : $this->portoneV2();
    }

    /** @param array<string, mixed> $extra */
    private function create(string $gateway, string $id, array $extra = []): void
    {
        $this->sim->createPayment($extra + ['gateway' => $gateway, 'id' => $id, 'orderId' => "order-$id", 'amount' => 1000]);
    }

    /** @param int|null $amount null: all that is left */
    private function cancel(Client $c, string $gateway, string $id, ?int $amount = null): void
    {
        if ($gateway === 'nicepay') {
            $c->post("/v1/payments/$id/cancel", ['reason' => 't', 'orderId' => "order-$id", 'cancelAmt' => $amount]);
        } elseif ($gateway === 'portone-v1') {
            $c->post('/payments/cancel', ['imp_uid' => $id, 'amount' => $amount, 'reason' => 't']);
        } else {
            $c->post("/payments/$id/cancel", ['reason' => 't', 'amount' => $amount]);
        }
    }

    /** @return list<list<string>> */
    public static function gateways(): array
    {
        return [['portone-v2'], ['portone-v1'], ['nicepay']];
    }

    /** @dataProvider gateways */
    public function testEveryVerdictReason(string $gateway): void
    {
        $c = $this->client($gateway);
        $this->create($gateway, 'p1', ['currency' => 'KRW']);
        $order = $gateway === 'portone-v2' ? 'p1' : 'order-p1';
        $v = $c->verifyPayment(['paymentId' => 'p1', 'amount' => 1000, 'currency' => 'KRW', 'orderId' => $order]);
        self::assertTrue($v->verified(), json_encode($v->toArray()) ?: '');
        self::assertSame(['paid', 1000, []], [$v->status(), $v->amount(), $v->reasonCodes()]);

        $this->create($gateway, 'p2', ['amount' => 900, 'currency' => 'USD']);
        $v = $c->verifyPayment(['paymentId' => 'p2', 'amount' => 1000, 'currency' => 'KRW', 'orderId' => 'other']);
        self::assertFalse($v->verified());
        self::assertSame(['amountDiffers', 'currencyDiffers', 'orderIdDiffers'], $v->reasonCodes());
        self::assertSame([1000, 900], [$v->reasons()[0]['expected'], $v->reasons()[0]['actual']]);

        $this->create($gateway, 'r1', ['status' => 'ready']);
        self::assertSame(['notPaid'], $c->verifyPayment(['paymentId' => 'r1', 'amount' => '1000'])->reasonCodes());
        $this->create($gateway, 'f1', ['status' => 'failed']);
        self::assertSame('failed', $c->verifyPayment(['paymentId' => 'f1', 'amount' => 1000])->status());
        $this->create($gateway, 'c1');
        $this->cancel($c, $gateway, 'c1', 300);
        $v = $c->verifyPayment(['paymentId' => 'c1', 'amount' => 1000]);
        self::assertSame([['partiallyCancelled'], 300], [$v->reasonCodes(), $v->cancelledAmount()]);
        $this->create($gateway, 'c2');
        $this->cancel($c, $gateway, 'c2');
        self::assertSame(['cancelled'], $c->verifyPayment(['paymentId' => 'c2', 'amount' => 1000])->reasonCodes());
        $v = $c->verifyPayment(['paymentId' => 'nobody', 'amount' => 1000]);
        self::assertSame([['notFound'], 'notFound'], [$v->reasonCodes(), $v->status()]);
    }

    public function testErrorsStayErrors(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->portoneV2()->verifyPayment(['paymentId' => 'x', 'amount' => 10.5]);
    }

    public function testAGatewayFailureIsAnException(): void
    {
        $this->sim->fault(['gateway' => 'portone-v2', 'endpoint' => 'api', 'kind' => 'status', 'status' => 503]);
        $this->expectException(GatewayException::class);
        $this->portoneV2()->verifyPayment(['paymentId' => 'x', 'amount' => 1]);
    }

    /** @return array{0: array<string, string>, 1: string} */
    private function v2Webhook(WebhookInbox $inbox, string $id): array
    {
        WebhookInbox::admin($this->sim->url, '/__sim/webhooks', ['gateway' => 'portone-v2', 'url' => $inbox->url, 'secret' => self::SECRET]);
        $this->create('portone-v2', $id);
        return $inbox->next();
    }

    public function testTheSimulatorsV2WebhookIsAcceptedAndTamperedOnesRefused(): void
    {
        [$headers, $body] = $this->v2Webhook(new WebhookInbox(), 'w1');
        $event = Verification::webhook($body, $headers, ['secret' => self::SECRET]);
        self::assertTrue($event->verified(), (string) $event->message());
        self::assertSame(['Transaction.Paid', 'w1', $headers['webhook-id']], [$event->type(), $event->paymentId(), $event->webhookId()]);

        $reserialized = (string) json_encode(json_decode($body, true), JSON_PRETTY_PRINT);
        foreach ([str_replace('w1', 'w9', $body), "\xEF\xBB\xBF" . $body, $body . "\r\n", $reserialized] as $changed) {
            self::assertSame('badSignature', Verification::webhook($changed, $headers, ['secret' => self::SECRET])->reason());
        }
        self::assertSame('badSignature', Verification::webhook($body, $headers, ['secret' => 'whsec_d3Jvbmc='])->reason());
        $ts = (int) $headers['webhook-timestamp'];
        self::assertSame('tooOld', Verification::webhook($body, $headers, ['secret' => self::SECRET, 'nowUnixSecs' => $ts + 301])->reason());
        self::assertSame('tooNew', Verification::webhook($body, $headers, ['secret' => self::SECRET, 'nowUnixSecs' => $ts - 301])->reason());
        unset($headers['webhook-signature']);
        self::assertSame('malformed', Verification::webhook($body, $headers, ['secret' => self::SECRET])->reason());
    }

    public function testARetriedDeliveryVerifiesWithTheSameId(): void
    {
        $this->sim->configure(['webhookRetryDelaysMs' => [1]]);
        $inbox = new WebhookInbox();
        WebhookInbox::admin($this->sim->url, '/__sim/webhooks', ['gateway' => 'portone-v2', 'url' => $inbox->url, 'secret' => self::SECRET]);
        $this->create('portone-v2', 'w4');
        [$h1, $b1] = $inbox->next(500, 'down');
        [$h2, $b2] = $inbox->next();
        $a = Verification::webhook($b1, $h1, ['secret' => self::SECRET]);
        $b = Verification::webhook($b2, $h2, ['secret' => self::SECRET]);
        self::assertTrue($a->verified() && $b->verified());
        self::assertSame($a->webhookId(), $b->webhookId());
    }

    public function testNoSecretInAnyError(): void
    {
        try {
            Verification::webhook('{}', [], ['secret' => 'whsec_not base64 SECRETVALUE', 'gateway' => 'portone-v2']);
            self::fail('a bad secret is an error');
        } catch (InvalidArgumentException $e) {
            self::assertStringNotContainsString('SECRETVALUE', $e->getMessage());
        }
    }

    public function testNicepayAndV1Webhooks(): void
    {
        $inbox = new WebhookInbox();
        WebhookInbox::admin($this->sim->url, '/__sim/webhooks', ['gateway' => 'nicepay', 'url' => $inbox->url]);
        $this->create('nicepay', 'tid-5');
        [$headers, $body] = $inbox->next();
        $nicepay = $this->nicepay();
        $event = Verification::webhook($body, $headers, [], $nicepay);
        self::assertSame([true, 'tid-5', 'order-tid-5'], [$event->verified(), $event->paymentId(), $event->orderId()]);
        $forged = (array) json_decode($body, true);
        $forged['amount'] = 100;
        self::assertSame('badSignature', Verification::webhook((string) json_encode($forged), [], [], $nicepay)->reason());

        WebhookInbox::admin($this->sim->url, '/__sim/webhooks', ['gateway' => 'portone-v1', 'url' => $inbox->url]);
        $this->create('portone-v1', 'imp_000000000006');
        [$headers, $body] = $inbox->next();
        $v1 = $this->portoneV1();
        $event = Verification::webhook($body, $headers, [], $v1);
        self::assertSame([true, 'imp_000000000006'], [$event->verified(), $event->paymentId()]);
        $fake = (string) json_encode(['imp_uid' => 'imp_999999999999', 'merchant_uid' => 'x', 'status' => 'paid']);
        self::assertSame('notFound', Verification::webhook($fake, [], [], $v1)->reason());
    }
}
