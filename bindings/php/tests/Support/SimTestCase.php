<?php

declare(strict_types=1);

namespace PayToken\Tests\Support;

use PayToken\Client;
use PHPUnit\Framework\TestCase;

/**
 * A fresh simulator for every test: a new origin is a new entry in the library's
 * process-wide cache, so counters start at zero even though the process keeps tokens.
 */
abstract class SimTestCase extends TestCase
{
    /** @var Simulator */
    protected $sim;

    protected function setUp(): void
    {
        $this->sim = new Simulator();
    }

    protected function tearDown(): void
    {
        $this->sim->stop();
    }

    /** @param array<string, mixed> $options */
    protected function nicepay(array $options = []): Client
    {
        return Client::nicepay(Simulator::NICEPAY_CLIENT_KEY, Simulator::NICEPAY_SECRET_KEY, $options + ['baseUrl' => $this->sim->url]);
    }

    /** @param array<string, mixed> $options */
    protected function portoneV1(array $options = []): Client
    {
        return Client::portoneV1(Simulator::IMP_KEY, Simulator::IMP_SECRET, $options + ['baseUrl' => $this->sim->url]);
    }

    /** @param array<string, mixed> $options */
    protected function portoneV2(array $options = []): Client
    {
        return Client::portoneV2(Simulator::API_SECRET, $options + ['baseUrl' => $this->sim->url]);
    }
}
