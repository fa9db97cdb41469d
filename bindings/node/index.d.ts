// Type definitions for paytoken (hand-written; the package is plain JavaScript).
/// <reference types="node" />

/** Options shared by every gateway (see the C API config table). */
export interface CommonOptions {
  /** Another origin (tests, a simulator, `https://static-api.iamport.kr`); `http://` only for loopback hosts. */
  baseUrl?: string;
  /** Connect deadline in milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** Whole-request deadline in milliseconds (default 30000; PortOne V2: 60000). */
  timeoutMs?: number;
  /** Larger response bodies are a GatewayError (default 8 MiB). */
  maxResponseBytes?: number;
  /** Appended to the default User-Agent `paytoken/<version>`. */
  userAgent?: string;
  /** Refresh a token this many seconds before it expires (token schemes). */
  refreshBeforeSecs?: number;
  /**
   * A PEM bundle added to the built-in Mozilla roots (TLS-inspecting proxies, tests). A
   * missing or unreadable file is an InvalidArgumentError when the client is created.
   */
  caFile?: string;
  /** A directory for the host-wide token cache shared by processes (token schemes only). */
  cacheDir?: string;
  /** Calls of this client running at once on the library's I/O threads (default 256); more wait. */
  maxInFlight?: number;
  /**
   * Resend a request that carries an idempotency key (PortOne V2 POST/PUT/PATCH/DELETE)
   * with the same key after a timeout or a lost connection, within its deadline (default false).
   */
  retryUnknownOutcome?: boolean;
}

export interface NicepayOptions extends CommonOptions {
  clientKey: string;
  secretKey: string;
  /** Use the sandbox origin (default false). */
  sandbox?: boolean;
  /** The type of the secret key issued by NICEPAY (default "token"). */
  auth?: 'token' | 'basic';
  /** Sent to the token endpoint; "euc-kr" answers are decoded (default "utf-8"). */
  returnCharSet?: 'utf-8' | 'euc-kr';
}

export interface PortoneV1Options extends CommonOptions {
  impKey: string;
  impSecret: string;
  /** Sub-merchant tier code: a `Tier` header on every request. */
  tier?: string;
}

export interface PortoneV2Options extends CommonOptions {
  apiSecret: string;
  /** "secret" sends `PortOne <apiSecret>`; "token" logs in and sends a Bearer JWT (default "secret"). */
  auth?: 'secret' | 'token';
  /** Sub-store id, sent on token login. */
  storeId?: string;
  /** Send an `Idempotency-Key` on every POST/PUT/PATCH/DELETE (default true). */
  idempotency?: boolean;
}

export type ClientConfig =
  | ({ gateway: 'nicepay' } & NicepayOptions)
  | ({ gateway: 'portone-v1' } & PortoneV1Options)
  | ({ gateway: 'portone-v2' } & PortoneV2Options);

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Serialised with JSON.stringify; sent as `application/json;charset=utf-8` unless headers say otherwise. */
  json?: unknown;
  /** Raw request body (a string is sent as UTF-8). Give either `json` or `body`. */
  body?: Buffer | Uint8Array | ArrayBuffer | string;
  /** Extra headers, sent after Authorization and the configured fixed headers. */
  headers?: Record<string, string>;
  /** Query parameters appended to the path (arrays repeat the name). */
  query?: Record<string, string | number | boolean | Array<string | number | boolean>> | URLSearchParams | string;
  /** Whole-request deadline for this call only, replacing the client's `timeoutMs`. */
  timeoutMs?: number;
  /**
   * Your own PortOne V2 idempotency key (16-256 printable ASCII, no `"` or `\\`), e.g. the
   * `error.idempotencyKey` of a call that timed out. Not together with an Idempotency-Key header.
   */
  idempotencyKey?: string;
  /** Overrides the client's `retryUnknownOutcome` for this call. */
  retryUnknownOutcome?: boolean;
}

/** What a shop does after a NICEPAY network cancel. */
export interface NetCancelResult {
  /** cancelled: accepted (0000); notNeeded: nothing was approved (2015); retry: send it again within the hour. */
  readonly outcome: 'cancelled' | 'notNeeded' | 'retry';
  /** True for outcome 'retry': send the network cancel again within the hour. */
  readonly mustRetry: boolean;
  readonly resultCode: string;
  /** The gateway's message, or the transport error's for a retry. */
  readonly resultMsg: string;
  /** 0 when no answer came. */
  readonly httpStatus: number;
}

/** Every key of the library's stats (docs/c-api.md, "Stats"). */
export interface ClientStats {
  gateway: 'nicepay' | 'portone-v1' | 'portone-v2';
  /** Token requests sent to the gateway. */
  tokenFetches: number;
  /** Tokens served from the cache without a request. */
  cacheHits: number;
  /** Refreshes that failed (the cached token, while valid, was served meanwhile). */
  refreshFailures: number;
  /** Requests retried once with a fresh token after a 401. */
  retriesAfter401: number;
  /** 401s answered at once, without a token request (the token-storm bound). */
  fetchesSkippedAfterRefusal: number;
  /** Tokens taken from the cacheDir file instead of a token request. */
  hostCacheReads: number;
  /** Requests resent with the same idempotency key (retryUnknownOutcome). */
  unknownOutcomeRetries: number;
  /** How long the cached token stays servable, ms; null when none is cached. */
  tokenValidForMs: number | null;
  /** The gateway's clock minus this host's at the last token answer, ms; null before one. */
  gatewayClockSkewMs: number | null;
  /** The library's async I/O threads, the calls they run, the calls waiting (process-wide). */
  asyncThreads: number;
  asyncRunning: number;
  asyncQueued: number;
}

/** An HTTP answer from the gateway: any status, including 4xx/5xx. */
export class Response {
  readonly status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  /** The body bytes as received. */
  readonly body: Buffer;
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** A header by name, case-insensitively. */
  header(name: string): string | undefined;
  /** The path (and query) that was requested. */
  readonly url: string;
  readonly method: string;
  /** The body as text, decoded by the library (declared charset; EUC-KR read as CP949). */
  text(): string;
  /** The body parsed as JSON; a GatewayError (with httpStatus and an excerpt) when it is not JSON. */
  json<T = any>(): T;
  /** The Idempotency-Key the request carried (unquoted), or null. */
  readonly idempotencyKey: string | null;
}

export interface LogRecord {
  /** The same names in every binding: routine records are 'debug', warnings 'warning'. */
  level: 'debug' | 'warning';
  /** Tokens and secrets appear only as `fp:` fingerprints. */
  message: string;
}

/** The library's log records; collected while a 'log' listener is attached. */
export const logs: import('node:events').EventEmitter & {
  on(event: 'log', listener: (record: LogRecord) => void): any;
};
/**
 * Collects records from this level up: 'debug' (what adding a 'log' listener picks),
 * 'warning', or 'off'. The numbers 0, 1, 2 of 0.1 are deprecated.
 */
export function setLogLevel(level: 'debug' | 'warning' | 'off' | 0 | 1 | 2): void;
/** What the shop expects of a payment: the gateway's id or the shop's order id, and the amount. */
export interface PaymentCheck {
  paymentId?: string;
  orderId?: string;
  /** NICEPAY lookups by orderId: YYYYMMDD. */
  orderDate?: string;
  amount: number | bigint | string;
  currency?: string;
}

export interface VerdictReason {
  code: 'notFound' | 'notPaid' | 'cancelled' | 'partiallyCancelled' | 'amountDiffers' | 'currencyDiffers' | 'orderIdDiffers';
  message: string;
  expected?: unknown;
  actual?: unknown;
  cancelledAmount?: number;
}

export interface PaymentVerdict {
  verified: boolean;
  reasons: VerdictReason[];
  reasonCodes: string[];
  /** paid, ready, pending, virtualAccountIssued, failed, cancelled, partialCancelled, expired, notFound, unknown. */
  status: string;
  gateway: string;
  paymentId: string | null;
  orderId: string | null;
  amount: number | null;
  cancelledAmount: number | null;
  currency: string | null;
  httpStatus: number;
  /** The gateway's answer. */
  raw: unknown;
}

export interface WebhookResult {
  verified: boolean;
  gateway: string;
  /** Refusals: malformed, badSignature, tooOld, tooNew, unsigned, notFound, orderIdDiffers. */
  reason?: string;
  message?: string;
  type?: string | null;
  paymentId?: string | null;
  orderId?: string | null;
  /** The same on every retry of one delivery: deduplicate on it. */
  webhookId?: string | null;
  timestamp?: unknown;
  data?: unknown;
}

/** A PortOne V2 webhook (Standard Webhooks), with the raw body exactly as received. */
export function verifyWebhook(
  body: Buffer | Uint8Array,
  headers: Record<string, string | string[] | undefined>,
  options: { secret: string; toleranceSecs?: number; nowUnixSecs?: number },
): Promise<WebhookResult>;
/** Records the library dropped because its queue was full. */
export function droppedLogs(): number;
/** The library's config key table. */
export function configSchema(): {
  version: number;
  keys: Array<{ name: string; type: 'string' | 'secret' | 'boolean' | 'integer'; gateways: string[]; required: boolean; default?: unknown; min?: number; max?: number; values?: string[] }>;
};

export class Client {
  /** Validates the config (no network I/O). Throws InvalidArgumentError. */
  constructor(config: ClientConfig);
  static nicepay(options: NicepayOptions): Client;
  static portoneV1(options: PortoneV1Options): Client;
  static portoneV2(options: PortoneV2Options): Client;

  readonly gateway: 'nicepay' | 'portone-v1' | 'portone-v2';
  readonly closed: boolean;

  /** The current access token, fetched once for all concurrent callers if needed. Runs on libuv's thread pool. */
  token(): Promise<string>;
  /** Blocks the calling thread: for scripts and CLIs. */
  tokenSync(): string;

  /** An authorized request; retried once with a fresh token after a 401. Runs on libuv's thread pool. */
  request(method: HttpMethod | Lowercase<HttpMethod>, path: string, options?: RequestOptions): Promise<Response>;
  /** Blocks the calling thread: for scripts and CLIs. */
  requestSync(method: HttpMethod | Lowercase<HttpMethod>, path: string, options?: RequestOptions): Response;
  get(path: string, options?: RequestOptions): Promise<Response>;
  post(path: string, options?: RequestOptions): Promise<Response>;
  put(path: string, options?: RequestOptions): Promise<Response>;
  patch(path: string, options?: RequestOptions): Promise<Response>;
  delete(path: string, options?: RequestOptions): Promise<Response>;

  /** NICEPAY signData: lower-hex sha256 of the parts joined, then the secret key (kept in the library). */
  nicepaySign(...parts: string[]): string;
  /** NICEPAY network cancel of an order; transport errors resolve as outcome "retry". */
  nicepayNetcancel(orderId: string, options?: { timeoutMs?: number }): Promise<NetCancelResult>;
  /** Looks the payment up and compares it with what the shop expects: a verdict, never a rejection for "not paid". */
  verifyPayment(expected: PaymentCheck): Promise<PaymentVerdict>;
  /** A NICEPAY webhook (signature with this client's secret key) or a PortOne V1 notice (confirmed by a lookup). */
  verifyWebhook(body: Buffer | Uint8Array, headers?: Record<string, string | string[]>): Promise<WebhookResult>;

  /** Drops the cached token if it equals `token` (or whatever is cached when omitted). */
  invalidate(token?: string | null): void;
  /** Counters of this client's shared cache entry. */
  stats(): ClientStats;
  /** Frees the native client once calls in flight finish; later calls throw InvalidArgumentError. */
  close(): void;
  /** The non-secret settings (gateway, baseUrl, sandbox, auth, tier, storeId). */
  toJSON(): Record<string, unknown>;
}

export type ErrorCodeName =
  | 'PAYTOKEN_E_INVALID_ARGUMENT'
  | 'PAYTOKEN_E_AUTH'
  | 'PAYTOKEN_E_GATEWAY'
  | 'PAYTOKEN_E_NETWORK'
  | 'PAYTOKEN_E_TIMEOUT'
  | 'PAYTOKEN_E_TLS'
  | 'PAYTOKEN_E_INTERNAL';

/** Numeric status of each code, as in the C API. */
export const ErrorCode: Readonly<Record<ErrorCodeName, number>>;

export class PayTokenError extends Error {
  /** The C API status name, e.g. "PAYTOKEN_E_AUTH". */
  readonly code: ErrorCodeName;
  /** The C API status number (1..7). */
  readonly errno: number;
  /** HTTP status of the gateway answer behind the error, 0 if none. */
  readonly httpStatus: number;
  /** The gateway's own code ("U104", "-1", "UNAUTHORIZED"), "" if none. */
  readonly gatewayCode: string;
  /** The Idempotency-Key the failed request carried (retry with it), or null. */
  readonly idempotencyKey: string | null;
}
/** Bad config or arguments (from JavaScript checks or the library). */
export class InvalidArgumentError extends PayTokenError {}
/** The gateway refused the credentials, or a 401 survived one retry with a fresh token. */
export class AuthError extends PayTokenError {}
/** The gateway answered, but not usefully (5xx from the token endpoint, malformed body...). */
export class GatewayError extends PayTokenError {}
/** Connection refused or closed before a full response. */
export class NetworkError extends PayTokenError {}
/** A deadline passed: for a business request the outcome at the gateway is unknown. */
export class PayTokenTimeoutError extends PayTokenError {}
/**
 * The token request timed out (or timeoutMs ran out while getting the token): nothing was
 * sent to the payment API, so the outcome is known (not processed); just call again.
 */
export class TokenTimeoutError extends PayTokenTimeoutError {}
/** @deprecated the 0.1 name of PayTokenTimeoutError (the same class); it shadows the builtin. */
export const TimeoutError: typeof PayTokenTimeoutError;
/** @deprecated the 0.1 name of PayTokenTimeoutError. */
export type TimeoutError = PayTokenTimeoutError;
export class TlsError extends PayTokenError {}
/** A bug in paytoken: please report it. */
export class InternalError extends PayTokenError {}

/** Version of the loaded libpaytoken.so. */
export function libraryVersion(): string;
