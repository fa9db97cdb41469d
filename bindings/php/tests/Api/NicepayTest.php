<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\AuthException;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\Simulator;

final class NicepayTest extends SimTestCase
{
    public function testFetchesTheTokenOnceAndServesItFromTheCache(): void
    {
        $client = $this->nicepay();
        $first = $client->token();
        $second = $client->token();

        self::assertSame($first, $second);
        self::assertGreaterThanOrEqual(32, \strlen($first));
        self::assertSame(1, $this->sim->tokenRequests('nicepay'));
        $stats = $client->stats();
        self::assertSame(1, $stats['tokenFetches']);
        self::assertGreaterThanOrEqual(1, $stats['cacheHits']);
    }

    public function testClientsOfOneAccountShareOneTokenLikeRequestsOfOneWorker(): void
    {
        $tokens = [];
        for ($request = 0; $request < 5; $request++) {
            $tokens[] = $this->nicepay()->token(); // a new client per "request", then dropped
        }
        self::assertCount(1, array_unique($tokens));
        self::assertSame(1, $this->sim->tokenRequests('nicepay'));
    }

    public function testGetSendsTheBearerTokenAndReturnsTheAnswer(): void
    {
        $client = $this->nicepay();
        $response = $client->get('/v1/payments/tid_0001');

        self::assertSame(200, $response->status());
        self::assertTrue($response->isSuccessful());
        $json = $response->json();
        self::assertSame('0000', $json['resultCode']);
        self::assertSame('tid_0001', $json['tid']);
        self::assertStringStartsWith('Bearer ', $this->sim->lastRequest()['headers']['authorization']);
        self::assertStringContainsString('json', (string) $response->header('Content-Type'));
        self::assertSame($response->header('content-type'), $response->headers()['content-type']);
    }

    public function testPostSendsAnArrayBodyAsUtf8Json(): void
    {
        $response = $this->nicepay()->post('/v1/payments/tid_0002/cancel', ['reason' => '고객 요청', 'orderId' => 'o-1', 'cancelAmt' => 1000]);

        self::assertSame(200, $response->status());
        $seen = $this->sim->lastRequest();
        self::assertSame('POST', $seen['method']);
        self::assertSame(['reason' => '고객 요청', 'orderId' => 'o-1', 'cancelAmt' => 1000], json_decode($seen['body'], true));
        self::assertStringStartsWith('application/json', $seen['headers']['content-type']);
    }

    public function testStringBodiesAndExtraHeadersAreSentAsGiven(): void
    {
        $this->nicepay()->request('POST', '/v1/payments/tid_0003', '{"amount":1004}', ['headers' => ['X-Shop-Trace' => 'abc-1', 'X-Retry' => 2]]);

        $seen = $this->sim->lastRequest();
        self::assertSame('{"amount":1004}', $seen['body']);
        self::assertSame('abc-1', $seen['headers']['x-shop-trace']);
        self::assertSame('2', $seen['headers']['x-retry']);
    }

    public function testA401RevokedTokenIsReplacedAndTheRequestRetriedOnce(): void
    {
        $client = $this->nicepay();
        $old = $client->token();
        $this->sim->revoke('nicepay');

        $response = $client->get('/v1/payments/tid_0004');

        self::assertSame(200, $response->status());
        self::assertNotSame($old, $client->token());
        self::assertSame(1, $client->stats()['retriesAfter401']);
        self::assertSame(2, $this->sim->tokenRequests('nicepay'));
    }

    public function testInvalidateDropsOnlyTheTokenItNames(): void
    {
        $client = $this->nicepay();
        $token = $client->token();

        $client->invalidate('some-other-token');
        $client->token();
        self::assertSame(1, $this->sim->tokenRequests('nicepay'), 'a stale token must not evict the cached one');

        $client->invalidate($token);
        $client->token();
        self::assertSame(2, $this->sim->tokenRequests('nicepay'));

        $client->invalidate();
        $client->token();
        self::assertSame(3, $this->sim->tokenRequests('nicepay'));
    }

    public function testBasicAuthSendsCredentialsAndHasNoToken(): void
    {
        $client = $this->nicepay(['auth' => 'basic']);
        $client->get('/v1/payments/tid_0005');
        self::assertStringStartsWith('Basic ', $this->sim->lastRequest()['headers']['authorization']);
        self::assertSame(0, $this->sim->tokenRequests('nicepay'));

        $this->expectException(InvalidArgumentException::class);
        $client->token();
    }

    public function testWrongSecretIsAnAuthErrorWithTheGatewaysCode(): void
    {
        $secret = 'wrong_secret_' . bin2hex(random_bytes(4));
        try {
            Client::nicepay(Simulator::NICEPAY_CLIENT_KEY, $secret, ['baseUrl' => $this->sim->url])->token();
            self::fail('expected an AuthException');
        } catch (AuthException $e) {
            self::assertSame(AuthException::STATUS_AUTH, $e->getCode());
            self::assertSame(401, $e->getHttpStatus());
            self::assertSame('U104', $e->getGatewayCode());
            self::assertStringNotContainsString($secret, (string) $e);
        }
    }

    public function testEucKrTokenErrorsAreDecodedByTheLibrary(): void
    {
        try {
            Client::nicepay(Simulator::NICEPAY_CLIENT_KEY, 'wrong', ['baseUrl' => $this->sim->url, 'returnCharSet' => 'euc-kr'])->token();
            self::fail('expected an AuthException');
        } catch (AuthException $e) {
            self::assertStringContainsString('사용자 인증에 실패하였습니다', $e->getMessage());
        }
    }

    public function testEucKrBodiesAreConvertedToUtf8ByTextAndJson(): void
    {
        // Basic credentials may call the token endpoint itself: an EUC-KR answer on request.
        $response = $this->nicepay(['auth' => 'basic'])->post('/v1/access-token', ['returnCharSet' => 'euc-kr']);

        self::assertSame(200, $response->status());
        self::assertStringContainsStringIgnoringCase('euc-kr', (string) $response->header('content-type'));
        self::assertFalse(mb_check_encoding($response->body(), 'UTF-8'), 'body() is the raw EUC-KR bytes');
        self::assertSame('정상 처리되었습니다.', $response->json()['resultMsg']);
        self::assertStringContainsString('정상 처리되었습니다.', $response->text());
    }
}
