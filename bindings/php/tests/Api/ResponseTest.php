<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\GatewayException;
use PayToken\Response;
use PHPUnit\Framework\TestCase;

/** Response is plain PHP: its conversions need no gateway. */
final class ResponseTest extends TestCase
{
    public function testHeadersAreFoundCaseInsensitively(): void
    {
        $response = new Response(201, ['content-type' => 'application/json', 'x-a' => '1, 2'], '{}');
        self::assertSame('application/json', $response->header('Content-Type'));
        self::assertSame('1, 2', $response->header('X-A'));
        self::assertNull($response->header('X-None'));
    }

    public function testTextIsWhatTheLibraryDecoded(): void
    {
        // Client passes the library's UTF-8 text (paytoken_response_text) beside the raw bytes.
        $response = new Response(200, ['content-type' => 'application/json; charset="EUC-KR"'], "\xb0\xe1", '{"msg":"결"}');
        self::assertSame("\xb0\xe1", $response->body());
        self::assertSame('결', $response->json()['msg']);
    }

    public function testJsonOfANonJsonBodyIsAGatewayError(): void
    {
        $this->expectException(GatewayException::class);
        (new Response(502, ['content-type' => 'text/html'], '<html>Bad Gateway</html>'))->json();
    }

    public function testJsonOfAScalarIsAGatewayError(): void
    {
        $this->expectException(GatewayException::class);
        (new Response(200, [], '"just a string"'))->json();
    }
}
