<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\AuthException;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\Simulator;

final class PortoneV1Test extends SimTestCase
{
    public function testTokenIsFetchedOnceAndSentAsBearer(): void
    {
        $client = $this->portoneV1();
        $token = $client->token();
        $response = $client->get('/payments/imp_0001');

        self::assertSame(200, $response->status());
        $json = $response->json();
        self::assertSame(0, $json['code']);
        self::assertSame('Bearer ' . $token, $this->sim->lastRequest()['headers']['authorization']);
        self::assertSame(1, $this->sim->tokenRequests('portone-v1'));
    }

    public function testTierHeaderGoesWithEveryRequest(): void
    {
        $this->portoneV1(['tier' => 'T01'])->post('/payments/cancel', ['imp_uid' => 'imp_0002', 'reason' => 'test']);

        $seen = $this->sim->lastRequest();
        self::assertSame('T01', $seen['headers']['tier']);
        self::assertSame('/payments/cancel', $seen['path']);
    }

    public function testWrongSecretIsAnAuthError(): void
    {
        $this->expectException(AuthException::class);
        Client::portoneV1(Simulator::IMP_KEY, 'not-the-secret', ['baseUrl' => $this->sim->url])->token();
    }

    public function testA404IsAResponseNotAnError(): void
    {
        $client = $this->portoneV1();
        $this->sim->fault(['gateway' => 'portone-v1', 'endpoint' => 'api', 'kind' => 'status', 'status' => 404]);
        $response = $client->get('/payments/imp_missing');

        self::assertSame(404, $response->status());
        self::assertFalse($response->isSuccessful());
    }
}
