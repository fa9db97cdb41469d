<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Exception\PayTokenException;
use PayToken\Tests\Support\SimTestCase;

/**
 * Everything the library allocates is freed: responses, strings, clients, also on the
 * error paths. Measured as the process's resident memory, which PHP's own counters miss.
 */
final class LeakTest extends SimTestCase
{
    public function testManyResponsesTokensAndErrorsDoNotGrowResidentMemory(): void
    {
        $client = $this->nicepay();
        $payload = ['memo' => str_repeat('결제', 16 * 1024)]; // ~96 KiB echoed back
        $this->cycle($client, $payload, 20); // warm up allocator pools
        $before = self::residentBytes();

        $this->cycle($client, $payload, 300);

        $grown = self::residentBytes() - $before;
        // 300 leaked echoes alone would be ~60 MiB.
        self::assertLessThan(12 * 1024 * 1024, $grown, sprintf('RSS grew by %.1f MiB', $grown / 1048576));
    }

    /** @param array<string, string> $payload */
    private function cycle(\PayToken\Client $client, array $payload, int $rounds): void
    {
        for ($i = 0; $i < $rounds; $i++) {
            $response = $client->post('/v1/payments/tid_leak', $payload);
            self::assertGreaterThan(90000, \strlen($response->body()));
            $client->token();
            $client->stats();
            $fresh = $this->nicepay(); // a client per request, freed at once
            $fresh->token();
            try {
                $client->request('GET', 'no-slash');
            } catch (PayTokenException $e) {
                // the error path must free as well
            }
        }
    }

    private static function residentBytes(): int
    {
        $statm = @file_get_contents('/proc/self/statm');
        if ($statm === false) {
            self::markTestSkipped('needs /proc/self/statm');
        }
        return (int) explode(' ', $statm)[1] * 4096;
    }
}
