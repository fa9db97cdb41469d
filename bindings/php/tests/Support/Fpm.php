<?php

declare(strict_types=1);

namespace PayToken\Tests\Support;

/**
 * A real php-fpm master in a temporary directory: its own php.ini and pool, a unix
 * socket, run in the foreground (-F) and stopped by stop(). Requests go through the
 * FastCGI client cgi-fcgi, as a web server would send them.
 */
final class Fpm
{
    /** @var string */
    private $dir;

    /** @var resource|null */
    private $process = null;

    /**
     * @param array<string, string> $ini php.ini settings (startup ones: preload, ffi)
     * @param array<string, string> $env the pool's env[] lines
     * @param bool $unprivileged run the master as nobody when we are root (setpriv), so
     *        that no opcache.preload_user is needed, as on a shared or container host
     */
    public function __construct(array $ini, array $env, int $workers = 2, bool $unprivileged = false)
    {
        $this->dir = sys_get_temp_dir() . '/paytoken-php-fpm-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir, 0755);
        $asNobody = $unprivileged && self::isRoot();
        if ($asNobody) {
            chown($this->dir, 'nobody');
        }
        $iniText = '';
        foreach ($ini as $key => $value) {
            $iniText .= "$key = $value\n";
        }
        file_put_contents($this->dir . '/php.ini', $iniText);
        $pool = "[global]\npid = {$this->dir}/fpm.pid\nerror_log = {$this->dir}/fpm.log\ndaemonize = no\n\n"
            . "[paytoken]\nlisten = {$this->dir}/fpm.sock\npm = static\npm.max_children = $workers\n"
            . "clear_env = yes\ncatch_workers_output = yes\ndecorate_workers_output = no\n";
        foreach ($env as $key => $value) {
            $pool .= "env[$key] = $value\n";
        }
        file_put_contents($this->dir . '/pool.conf', $pool);

        $command = [self::binary(), '-y', $this->dir . '/pool.conf', '-c', $this->dir . '/php.ini', '-F'];
        if ($asNobody) {
            $command = array_merge(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'], $command);
        } elseif (self::isRoot()) {
            $command[] = '-R';
        }
        // The master's own environment (preload.php runs there); the workers get env[] only.
        $masterEnv = ['PATH' => (string) getenv('PATH'), 'PAYTOKEN_PRELOAD_HEADER' => $this->dir . '/paytoken-preload.h'];
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/stdout.log', 'a'], 2 => ['file', $this->dir . '/stderr.log', 'a']], $pipes, $this->dir, $masterEnv);
        if (!\is_resource($process)) {
            throw new \RuntimeException('cannot start php-fpm');
        }
        $this->process = $process;
        $this->waitUntilListening();
    }

    public static function isRoot(): bool
    {
        return \function_exists('posix_geteuid') ? posix_geteuid() === 0 : trim((string) shell_exec('id -u')) === '0';
    }

    /** php-fpm of this PHP version: $PHP_FPM, else php-fpmX.Y or php-fpm on PATH or in /usr/sbin. */
    public static function binary(): string
    {
        $explicit = getenv('PHP_FPM');
        if ($explicit !== false && $explicit !== '') {
            return $explicit;
        }
        $dirs = array_merge(explode(':', (string) getenv('PATH')), ['/usr/sbin', '/usr/local/sbin']);
        foreach (['php-fpm' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION, 'php-fpm'] as $name) {
            foreach ($dirs as $dir) {
                if ($dir !== '' && is_executable("$dir/$name")) {
                    return "$dir/$name";
                }
            }
        }
        throw new \RuntimeException('php-fpm not found: install php-fpm (make deps) or set PHP_FPM');
    }

    /**
     * Runs $script in a worker, like a web server forwarding GET /script?query.
     *
     * @return string the response body (the CGI headers stripped)
     */
    public function get(string $script, string $query = ''): string
    {
        $env = [
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script),
            'REQUEST_METHOD' => 'GET',
            'QUERY_STRING' => $query,
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'GATEWAY_INTERFACE' => 'CGI/1.1',
            'REMOTE_ADDR' => '127.0.0.1',
            'PATH' => (string) getenv('PATH'),
        ];
        $process = proc_open(['cgi-fcgi', '-bind', '-connect', $this->dir . '/fpm.sock'], [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        if (!\is_resource($process)) {
            throw new \RuntimeException('cannot run cgi-fcgi (install libfcgi-bin)');
        }
        $output = (string) stream_get_contents($pipes[1]);
        $errors = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        $split = strpos($output, "\r\n\r\n");
        if ($status !== 0 || $split === false) {
            throw new \RuntimeException("cgi-fcgi failed ($status): $errors $output\n" . $this->log());
        }
        return substr($output, $split + 4);
    }

    /** The master's and workers' log, for failure messages. */
    public function log(): string
    {
        return implode("\n", array_filter(array_map(static function (string $file): string {
            return is_file($file) ? (string) file_get_contents($file) : '';
        }, [$this->dir . '/fpm.log', $this->dir . '/stderr.log'])));
    }

    public function stop(): void
    {
        if ($this->process !== null) {
            proc_terminate($this->process, 15); // SIGTERM: a graceful stop
            proc_close($this->process);
            $this->process = null;
        }
        foreach ((array) glob($this->dir . '/*') as $file) {
            @unlink((string) $file);
        }
        @rmdir($this->dir);
    }

    public function __destruct()
    {
        $this->stop();
    }

    private function waitUntilListening(): void
    {
        $deadline = microtime(true) + 15;
        while (microtime(true) < $deadline) {
            $status = proc_get_status($this->process);
            if (!$status['running']) {
                $log = $this->log();
                $this->process = null;
                throw new \RuntimeException("php-fpm exited at start:\n$log");
            }
            $socket = @stream_socket_client('unix://' . $this->dir . '/fpm.sock', $errno, $error, 1);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(50000);
        }
        throw new \RuntimeException("php-fpm did not listen within 15 s:\n" . $this->log());
    }
}
