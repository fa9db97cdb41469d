<?php

declare(strict_types=1);

namespace PayToken\Tests\Support;

/**
 * A loopback endpoint that receives the simulator's webhooks exactly as sent (raw
 * headers and body bytes). next() blocks until one arrives: the delivery is the event
 * a test waits on; the timeout only bounds a broken simulator.
 */
final class WebhookInbox
{
    /** @var resource */
    private $server;

    /** @var string */
    public $url;

    public function __construct()
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($server === false) {
            throw new \RuntimeException("cannot listen: $errstr");
        }
        $this->server = $server;
        $this->url = 'http://' . stream_socket_get_name($server, false) . '/hook';
    }

    /** @return array{0: array<string, string>, 1: string} headers (lower-case names) and body */
    public function next(int $status = 200, string $answer = 'OK'): array
    {
        $conn = stream_socket_accept($this->server, 30);
        if ($conn === false) {
            throw new \RuntimeException('no webhook arrived');
        }
        $headers = [];
        fgets($conn);
        while (($line = fgets($conn)) !== false && rtrim($line, "\r\n") !== '') {
            [$name, $value] = explode(':', rtrim($line, "\r\n"), 2);
            $headers[strtolower(trim($name))] = trim($value);
        }
        $length = (int) ($headers['content-length'] ?? 0);
        $body = '';
        while (\strlen($body) < $length && !feof($conn)) {
            $body .= (string) fread($conn, $length - \strlen($body));
        }
        fwrite($conn, "HTTP/1.1 $status X\r\nContent-Length: " . \strlen($answer) . "\r\nConnection: close\r\n\r\n$answer");
        fclose($conn);
        return [$headers, $body];
    }

    /**
     * POST to the simulator's admin API.
     *
     * @param array<string, mixed> $body
     * @return array<string, mixed>
     */
    public static function admin(string $simUrl, string $path, array $body): array
    {
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/json\r\n",
            'content' => json_encode($body),
            'timeout' => 10,
        ]]);
        return (array) json_decode((string) file_get_contents($simUrl . $path, false, $context), true);
    }
}
