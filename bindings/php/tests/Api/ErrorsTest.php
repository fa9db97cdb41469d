<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\GatewayException;
use PayToken\Exception\InvalidArgumentException;
use PayToken\Exception\NetworkException;
use PayToken\Exception\PayTokenException;
use PayToken\Exception\TimeoutException;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\Simulator;

final class ErrorsTest extends SimTestCase
{
    /** @return array<string, array{0: array<string, mixed>, 1: string}> */
    public function badConfigs(): array
    {
        return [
            'unknown key' => [['gateway' => 'nicepay', 'clientKey' => 'k', 'secretKey' => 's', 'sandBox' => true], 'sandBox'],
            'unknown gateway' => [['gateway' => 'tosspayments'], 'tosspayments'],
            'no gateway' => [['clientKey' => 'k'], 'gateway'],
            'missing secret' => [['gateway' => 'portone-v1', 'impKey' => 'k'], 'impSecret'],
            'NUL in a credential' => [['gateway' => 'nicepay', 'clientKey' => 'k', 'secretKey' => "s\0t"], 'secretKey'],
            'trailing newline' => [['gateway' => 'nicepay', 'clientKey' => 'k', 'secretKey' => "s\n"], 'secretKey'],
            'not http on a public host' => [['gateway' => 'portone-v2', 'apiSecret' => 's', 'baseUrl' => 'http://example.com'], 'baseUrl'],
            'wrong type' => [['gateway' => 'nicepay', 'clientKey' => 'k', 'secretKey' => 's', 'sandbox' => 'yes'], 'sandbox'],
            'a list' => [['nicepay'], 'object'],
            // Read when the client is made, not at the first request.
            'missing caFile' => [['gateway' => 'portone-v2', 'apiSecret' => 's', 'caFile' => '/nonexistent/ca.pem'], 'caFile'],
        ];
    }

    /**
     * @dataProvider badConfigs
     * @param array<string, mixed> $config
     */
    public function testBadConfigIsAnInvalidArgumentNamingTheProblem(array $config, string $named): void
    {
        try {
            new Client($config);
            self::fail('expected an InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertSame(PayTokenException::STATUS_INVALID_ARGUMENT, $e->getCode());
            self::assertStringContainsStringIgnoringCase($named, $e->getMessage());
        }
    }

    /** @return array<string, array{0: string, 1: string}> */
    public function badRequests(): array
    {
        return [
            'absolute URL' => ['GET', 'http://127.0.0.1:1/steal'],
            'no leading slash' => ['GET', 'v1/payments/x'],
            'unknown method' => ['BREW', '/v1/payments/x'],
            'empty method' => ['', '/v1/payments/x'],
            'NUL in path' => ['GET', "/v1/payments/x\0y"],
            'non-UTF-8 path' => ['GET', "/v1/payments/\xff"],
        ];
    }

    /** @dataProvider badRequests */
    public function testBadMethodOrPathIsAnInvalidArgument(string $method, string $path): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->nicepay()->request($method, $path);
    }

    public function testBadHeadersAreRefusedInPhp(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('headers');
        $this->nicepay()->get('/v1/payments/x', ['headers' => ['X-List' => ['a', 'b']]]);
    }

    public function testHeaderInjectionIsRefusedByTheLibrary(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->nicepay()->get('/v1/payments/x', ['headers' => ['X-Evil' => "a\r\nAuthorization: Basic Zm9v"]]);
    }

    public function testABodyThatIsNeitherJsonableNorAStringIsRefused(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->nicepay()->post('/v1/payments/x', 42);
    }

    public function testAnArrayBodyWithInvalidUtf8IsRefusedWithoutEchoingIt(): void
    {
        try {
            $this->nicepay()->post('/v1/payments/x', ['card' => "4111\xff1111"]);
            self::fail('expected an InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('UTF-8', $e->getMessage());
            self::assertStringNotContainsString('4111', $e->getMessage());
        }
    }

    public function testTokenEndpoint503IsAGatewayError(): void
    {
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'token', 'kind' => 'status', 'status' => 503]);
        try {
            $this->nicepay()->token();
            self::fail('expected a GatewayException');
        } catch (GatewayException $e) {
            self::assertSame(503, $e->getHttpStatus());
        }
    }

    public function testMalformedTokenAnswerIsAGatewayError(): void
    {
        $this->sim->fault(['gateway' => 'portone-v1', 'endpoint' => 'token', 'kind' => 'malformed']);
        $this->expectException(GatewayException::class);
        $this->portoneV1()->token();
    }

    public function testABusiness500IsAResponseAndItsHtmlBodyIsNotJson(): void
    {
        $client = $this->nicepay();
        $client->token();
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'status', 'status' => 500]);
        $response = $client->get('/v1/payments/x');

        self::assertSame(500, $response->status());
        try {
            $response->json();
            self::fail('expected a GatewayException');
        } catch (GatewayException $e) {
            self::assertSame(500, $e->getHttpStatus());
            self::assertStringContainsString('not JSON', $e->getMessage());
        }
    }

    public function testConnectionRefusedIsANetworkError(): void
    {
        $port = $this->closedPort();
        try {
            Client::portoneV1(Simulator::IMP_KEY, Simulator::IMP_SECRET, ['baseUrl' => "http://127.0.0.1:$port"])->token();
            self::fail('expected a NetworkException');
        } catch (NetworkException $e) {
            self::assertSame(PayTokenException::STATUS_NETWORK, $e->getCode());
            self::assertSame(0, $e->getHttpStatus());
        }
    }

    public function testAConnectionClosedMidRequestIsANetworkErrorAndNotRetried(): void
    {
        $client = $this->nicepay();
        $client->token();
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'close']);
        try {
            $client->post('/v1/payments/x', ['amount' => 1000]);
            self::fail('expected a NetworkException');
        } catch (NetworkException $e) {
            self::assertSame(1, $this->sim->stats()['apiRequests']['nicepay'], 'a payment must never be sent twice');
        }
    }

    public function testAHangingGatewayIsATimeout(): void
    {
        $client = $this->nicepay(['timeoutMs' => 300]);
        $client->token();
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'hang']);
        $started = microtime(true);
        try {
            $client->post('/v1/payments/x', ['amount' => 1000]);
            self::fail('expected a TimeoutException');
        } catch (TimeoutException $e) {
            self::assertSame(PayTokenException::STATUS_TIMEOUT, $e->getCode());
            self::assertLessThan(5.0, microtime(true) - $started);
        }
    }

    public function testOversizedAnswersAreAGatewayError(): void
    {
        $client = $this->nicepay(['maxResponseBytes' => 4096]);
        $client->token();
        $this->sim->fault(['gateway' => 'nicepay', 'endpoint' => 'api', 'kind' => 'oversized', 'bytes' => 100000]);
        $this->expectException(GatewayException::class);
        $client->get('/v1/payments/x');
    }

    private function closedPort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        self::assertNotFalse($server);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($server, false), ':'), 1);
        fclose($server);
        return $port;
    }
}
