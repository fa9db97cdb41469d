<?php

declare(strict_types=1);

namespace PayToken\Tests\Support;

/**
 * A paytoken-sim process on a free loopback port, and its admin API.
 */
final class Simulator
{
    public const NICEPAY_CLIENT_KEY = 'S2_sim_client_key';
    public const NICEPAY_SECRET_KEY = 'sim_nicepay_secret_key';
    public const IMP_KEY = 'sim_imp_key';
    public const IMP_SECRET = 'sim_imp_secret';
    public const API_SECRET = 'sim_portone_v2_api_secret';

    /** @var resource */
    private $process;

    /** @var array<int, resource> */
    private $pipes;

    /** @var string e.g. http://127.0.0.1:41234 */
    public $url;

    /** @param string[] $flags extra command-line flags */
    public function __construct(array $flags = [])
    {
        $binary = self::binary();
        $command = array_merge([$binary, '--port', '0', '--exit-on-stdin-eof', '--implicit-payments'], $flags);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
        if (!\is_resource($process)) {
            throw new \RuntimeException("cannot start $binary");
        }
        $this->process = $process;
        $this->pipes = $pipes;
        // Its first stdout line is "paytoken-sim listening on http://127.0.0.1:PORT".
        $read = [$pipes[1]];
        $none = null;
        $line = stream_select($read, $none, $none, 20) === 1 ? (string) fgets($pipes[1]) : '';
        if (preg_match('#listening on (http://\S+)#', $line, $m) !== 1) {
            $this->stop();
            throw new \RuntimeException("paytoken-sim did not start (first line: \"$line\")");
        }
        $this->url = $m[1];
    }

    public static function binary(): string
    {
        $binary = getenv('PAYTOKEN_SIM') ?: \dirname(__DIR__, 4) . '/target/release/paytoken-sim';
        if (!is_file($binary)) {
            throw new \RuntimeException("paytoken-sim not found at $binary: run `make sim` at the repository root");
        }
        return $binary;
    }

    public function stop(): void
    {
        if (\is_resource($this->process)) {
            foreach ($this->pipes as $pipe) {
                fclose($pipe); // stdin EOF: the simulator exits
            }
            proc_terminate($this->process);
            proc_close($this->process);
        }
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** How many token requests the gateway got. */
    public function tokenRequests(string $gateway): int
    {
        return (int) ($this->stats()['tokenRequests'][$gateway] ?? -1);
    }

    /** @return array<string, mixed> */
    public function stats(): array
    {
        return $this->admin('GET', '/__sim/stats');
    }

    /** @return array<string, mixed> the last business request as the simulator saw it */
    public function lastRequest(): array
    {
        return $this->admin('GET', '/__sim/last-request');
    }

    /** @param array<string, mixed> $fault */
    public function fault(array $fault): void
    {
        $this->admin('POST', '/__sim/fault', $fault);
    }

    public function revoke(string $gateway): void
    {
        $this->admin('POST', '/__sim/revoke', ['gateway' => $gateway]);
    }

    /** @param array<string, mixed> $settings */
    public function configure(array $settings): void
    {
        $this->admin('POST', '/__sim/config', $settings);
    }

    /**
     * A payment with state (the faithful simulator knows only these).
     *
     * @param array<string, mixed> $payment
     * @return array<string, mixed>
     */
    public function createPayment(array $payment): array
    {
        return $this->admin('POST', '/__sim/payments', $payment);
    }

    /**
     * @param array<string, mixed>|null $body
     * @return array<string, mixed>
     */
    private function admin(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $answer = file_get_contents($this->url . $path, false, $context);
        $status = isset($http_response_header[0]) ? (int) explode(' ', $http_response_header[0])[1] : 0;
        if ($answer === false || $status >= 300) {
            throw new \RuntimeException("simulator $method $path failed: HTTP $status " . (string) $answer);
        }
        return $answer === '' ? [] : (array) json_decode($answer, true);
    }
}
