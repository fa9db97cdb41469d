<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Exception\PayTokenException;
use PayToken\Tests\Support\SimTestCase;

/**
 * request() reads a response in one C call (paytoken_response_read) and reuses its C
 * out-parameters per client; headers stay JSON until first asked for; the pin call is
 * skipped when the library says it draws no key (paytoken_idempotency_key_drawn).
 */
final class ResponseReadTest extends SimTestCase
{
    public function testHeadersAreDecodedOnFirstUseAndTheTextOfUtf8IsTheBody(): void
    {
        $response = $this->portoneV1()->get('/payments/imp_448280090638');
        self::assertSame(200, $response->status());
        self::assertSame($response->body(), $response->text(), 'UTF-8 JSON is its own text');
        self::assertStringContainsString('json', (string) $response->header('Content-Type'));
        $headers = $response->headers();
        self::assertSame($response->header('content-type'), $headers['content-type']);
        self::assertSame((string) \strlen($response->body()), $headers['content-length']);
        self::assertSame($headers, $response->headers(), 'decoded once, the same array');
    }

    public function testOneClientsBuffersServeCallAfterCallAndAfterAFailure(): void
    {
        $client = $this->portoneV1();
        $bodies = [];
        for ($i = 0; $i < 3; $i++) {
            $response = $client->get('/payments/imp_448280090638');
            self::assertSame(200, $response->status());
            $bodies[] = $response->json()['response']['imp_uid'] ?? null;
            try {
                $client->request('BREW', '/payments/imp_448280090638');
                self::fail('BREW is not a method');
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('BREW', $e->getMessage());
            }
        }
        self::assertSame(array_fill(0, 3, 'imp_448280090638'), $bodies);
    }

    public function testAKeyIsPinnedWhereTheLibraryDrawsOneOrTheCallerGivesOne(): void
    {
        $v2 = $this->portoneV2();
        self::assertNull($v2->get('/payments/pay_0001')->idempotencyKey(), 'GET: none drawn, no pin call');
        self::assertSame(32, \strlen((string) $v2->delete('/payments/pay_0001/billing-key')->idempotencyKey()));
        // Nothing listens on port 1: the exception names the key the library pinned.
        $unreachable = Client::portoneV2('sim_portone_v2_api_secret', ['baseUrl' => 'http://127.0.0.1:1']);
        try {
            $unreachable->delete('/payments/pay_0001/billing-key');
            self::fail('nothing listens there');
        } catch (PayTokenException $e) {
            self::assertSame(32, \strlen((string) $e->getIdempotencyKey()));
        }
        try {
            $unreachable->get('/payments/pay_0001');
            self::fail('nothing listens there');
        } catch (PayTokenException $e) {
            self::assertNull($e->getIdempotencyKey(), 'a GET carries none');
        }
        $own = 'php-order-7-lookup-01';
        self::assertSame($own, $v2->get('/payments/pay_0001', ['idempotencyKey' => $own])->idempotencyKey());
    }
}
