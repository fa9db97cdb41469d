<?php

declare(strict_types=1);

namespace PayToken\Exception;

/**
 * Base class of every error paytoken raises.
 *
 * getCode() is the library's status (1..7, see the STATUS_* constants; 0 for a
 * SetupException, raised before the library could be loaded). The message never
 * contains a credential or a token.
 */
abstract class PayTokenException extends \RuntimeException
{
    public const STATUS_INVALID_ARGUMENT = 1;
    public const STATUS_AUTH = 2;
    public const STATUS_GATEWAY = 3;
    public const STATUS_NETWORK = 4;
    public const STATUS_TIMEOUT = 5;
    public const STATUS_TLS = 6;
    public const STATUS_INTERNAL = 7;

    /** @var array<int, class-string<PayTokenException>> */
    private const CLASS_BY_STATUS = [
        self::STATUS_INVALID_ARGUMENT => InvalidArgumentException::class,
        self::STATUS_AUTH => AuthException::class,
        self::STATUS_GATEWAY => GatewayException::class,
        self::STATUS_NETWORK => NetworkException::class,
        self::STATUS_TIMEOUT => TimeoutException::class,
        self::STATUS_TLS => TlsException::class,
        self::STATUS_INTERNAL => InternalException::class,
    ];

    /** @var int */
    private $httpStatus;

    /** @var string */
    private $gatewayCode;

    /** @var string|null */
    private $idempotencyKey = null;

    final public function __construct(
        string $message,
        int $status,
        int $httpStatus = 0,
        string $gatewayCode = '',
        ?\Throwable $previous = null
    ) {
        parent::__construct($message, $status, $previous);
        $this->httpStatus = $httpStatus;
        $this->gatewayCode = $gatewayCode;
    }

    /** The exception matching a library status; an unknown status is an InternalException. */
    public static function fromStatus(int $status, string $message, int $httpStatus = 0, string $gatewayCode = ''): self
    {
        $class = self::CLASS_BY_STATUS[$status] ?? InternalException::class;
        return new $class($message, $status, $httpStatus, $gatewayCode);
    }

    /** HTTP status of the gateway answer behind the error, 0 when there was none. */
    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    /** The gateway's own code ("U104", "-1", "UNAUTHORIZED"), "" when there was none. */
    public function getGatewayCode(): string
    {
        return $this->gatewayCode;
    }

    /**
     * The Idempotency-Key the failed request carried (PortOne V2 POST/PUT/PATCH/DELETE),
     * or null. After a timeout, send the request again with ['idempotencyKey' => this]
     * (within 3 hours): the gateway answers the first outcome instead of acting twice.
     */
    public function getIdempotencyKey(): ?string
    {
        return $this->idempotencyKey;
    }

    /**
     * @internal sets the key of the request that failed; returns $this
     * @return static
     */
    public function withIdempotencyKey(?string $key): self
    {
        $this->idempotencyKey = $key;
        return $this;
    }
}
