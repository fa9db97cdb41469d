<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Client;
use PayToken\Exception\PayTokenException;
use PayToken\Tests\Support\SimTestCase;
use PayToken\Tests\Support\Simulator;

/**
 * Credentials and tokens never show in var_dump, print_r, var_export or exception traces.
 */
final class SecretsTest extends SimTestCase
{
    public function testDumpsOfAClientShowNoCredentialOrToken(): void
    {
        $client = $this->nicepay();
        $token = $client->token();

        foreach ($this->dumps($client) as $how => $dump) {
            self::assertStringNotContainsString(Simulator::NICEPAY_SECRET_KEY, $dump, $how);
            self::assertStringNotContainsString(Simulator::NICEPAY_CLIENT_KEY, $dump, $how);
            self::assertStringNotContainsString($token, $dump, $how);
        }
        self::assertStringContainsString('nicepay', print_r($client, true));
    }

    public function testExceptionTracesHideCredentialsPassedOnTheStack(): void
    {
        if (PHP_VERSION_ID < 80200) {
            self::markTestSkipped('#[\SensitiveParameter] needs PHP 8.2');
        }
        ini_set('zend.exception_ignore_args', '0');
        $secret = 'secret_' . bin2hex(random_bytes(6));
        $apiSecret = 'v2_' . bin2hex(random_bytes(6));
        $thrown = [];
        try {
            // Refused by the library inside the constructor: every frame is on the stack.
            Client::nicepay('client_key_x', $secret, ['baseUrl' => $this->sim->url, 'noSuchOption' => 1]);
        } catch (PayTokenException $e) {
            $thrown[] = $e;
        }
        try {
            Client::portoneV2($apiSecret, ['baseUrl' => $this->sim->url, 'auth' => 'token'])->invalidate($secret);
            Client::portoneV2($apiSecret, ['baseUrl' => $this->sim->url, 'auth' => 'token'])->request('BAD METHOD', '/x', ['card' => $secret]);
        } catch (PayTokenException $e) {
            $thrown[] = $e;
        }
        self::assertCount(2, $thrown);
        foreach ($thrown as $i => $e) {
            $texts = ['string' => (string) $e, 'getTraceAsString' => $e->getTraceAsString(), 'print_r(getTrace)' => print_r($e->getTrace(), true)];
            foreach ($texts as $how => $text) {
                foreach ([$secret, $apiSecret, 'client_key_x'] as $credential) {
                    // Not assertStringNotContainsString: its failure would print the whole trace.
                    self::assertFalse(strpos($text, $credential) !== false, "exception $i: a credential shows in $how");
                }
            }
        }
    }

    public function testAClientCannotBeSerializedOrCloned(): void
    {
        $client = $this->nicepay();
        try {
            serialize($client);
            self::fail('serialize() must refuse');
        } catch (\LogicException $e) {
            self::assertStringContainsString('serialized', $e->getMessage());
        }
        $this->expectException(\Error::class);
        $copy = clone $client;
    }

    /** @return array<string, string> */
    private function dumps(Client $client): array
    {
        ob_start();
        var_dump($client);
        $varDump = (string) ob_get_clean();
        return [
            'var_dump' => $varDump,
            'print_r' => print_r($client, true),
            'var_export' => var_export($client, true),
            'json_encode' => (string) json_encode($client),
            'debug_zval' => print_r((array) $client, true),
        ];
    }
}
