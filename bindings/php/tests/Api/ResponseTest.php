<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\GatewayException;
use PayToken\Exception\InvalidArgumentException;
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

    public function testEucKrDeclaredInContentTypeIsConverted(): void
    {
        $utf8 = '{"resultMsg":"카드 승인 실패 (똠방각하)"}';
        $eucKr = (string) mb_convert_encoding($utf8, 'UHC', 'UTF-8');
        self::assertNotSame($utf8, $eucKr);
        $response = new Response(200, ['content-type' => 'application/json; charset="EUC-KR"'], $eucKr);

        self::assertSame($eucKr, $response->body());
        self::assertSame($utf8, $response->text());
        self::assertSame('카드 승인 실패 (똠방각하)', $response->json()['resultMsg']);
    }

    public function testACharsetCanBeForcedWhenTheHeaderIsSilent(): void
    {
        $eucKr = (string) mb_convert_encoding('{"msg":"정상"}', 'EUC-KR', 'UTF-8');
        $response = new Response(200, ['content-type' => 'application/json'], $eucKr);

        self::assertNull(json_decode($response->text()), 'not UTF-8 as it stands');
        self::assertSame('정상', $response->json('euc-kr')['msg']);
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

    public function testAnUnknownCharsetIsAClearError(): void
    {
        $this->expectException(InvalidArgumentException::class);
        (new Response(200, ['content-type' => 'text/plain; charset=x-klingon'], 'abc'))->text();
    }
}
