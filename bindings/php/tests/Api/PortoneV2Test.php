<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\AuthException;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Tests\Support\SimTestCase;

final class PortoneV2Test extends SimTestCase
{
    public function testSecretSchemeSendsThePortOneHeaderWithoutAToken(): void
    {
        $client = $this->portoneV2();
        $response = $client->get('/payments/pay-0001');

        self::assertSame(200, $response->status());
        self::assertStringStartsWith('PortOne ', $this->sim->lastRequest()['headers']['authorization']);
        self::assertSame(0, $this->sim->tokenRequests('portone-v2'));
        $this->expectException(InvalidArgumentException::class);
        $client->token();
    }

    public function testTokenSchemeLogsInOnceAndSendsTheJwt(): void
    {
        $client = $this->portoneV2(['auth' => 'token', 'storeId' => 'store-1']);
        $jwt = $client->token();
        $client->post('/payments/pay-0002/cancel', ['reason' => 'test'], ['headers' => ['Idempotency-Key' => 'idem-0002']]);
        $client->get('/payments/pay-0002');

        self::assertCount(3, explode('.', $jwt), 'a JWT');
        self::assertSame(1, $this->sim->tokenRequests('portone-v2'));
        self::assertSame('Bearer ' . $jwt, $this->sim->lastRequest()['headers']['authorization']);
    }

    public function testIdempotencyKeyIsSentAsAnRfc8941String(): void
    {
        $this->portoneV2()->post('/payments/pay-0003/cancel', ['reason' => 'test'], ['headers' => ['Idempotency-Key' => 'idem-0003']]);
        self::assertSame('"idem-0003"', $this->sim->lastRequest()['headers']['idempotency-key']);
    }

    public function testWrongSecretIsAnAuthErrorCarryingTheGatewayType(): void
    {
        try {
            Client::portoneV2('wrong-secret', ['baseUrl' => $this->sim->url, 'auth' => 'token'])->token();
            self::fail('expected an AuthException');
        } catch (AuthException $e) {
            self::assertSame(401, $e->getHttpStatus());
            self::assertSame('UNAUTHORIZED', $e->getGatewayCode());
        }
    }
}
