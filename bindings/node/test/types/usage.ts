// Compiled (never run) by types.test.js: the public API as a TypeScript user writes it.

import { Client, Response, AuthError, PayTokenError, PayTokenTimeoutError, TimeoutError, ErrorCode, libraryVersion, setLogLevel, logs, type RequestOptions, type NetCancelResult, type ClientStats, type LogRecord } from 'paytoken';
import { collectMetrics, vocabulary, type MetricDefinition } from 'paytoken/metrics';

async function main(): Promise<void> {
  const pg = Client.nicepay({ clientKey: 'k', secretKey: 's', sandbox: true });
  collectMetrics(pg, { name: 'shop' });
  const first: MetricDefinition = vocabulary()[0];
  console.log(first.name, first.type === 'counter', first.scale);
  const token: string = await pg.token();
  const opts: RequestOptions = { json: { amount: 1000 }, headers: { 'X-A': 'b' } };
  const res: Response = await pg.post('/v1/payments/t', opts);
  const n: number = res.status;
  const body = res.json<{ resultCode: string }>();
  console.log(token, n, body.resultCode, res.header('content-type'), res.body.length, pg.stats().tokenFetches);
  const v2 = new Client({ gateway: 'portone-v2', apiSecret: 'x', auth: 'token', caFile: '/etc/ssl/proxy.pem' });
  v2.invalidate();
  try { v2.tokenSync(); } catch (e) { if (e instanceof AuthError) console.log(e.gatewayCode, e.httpStatus, e.code === 'PAYTOKEN_E_AUTH'); }
  const e = new PayTokenError('x');
  console.log(ErrorCode.PAYTOKEN_E_AUTH, libraryVersion(), e.errno);
  const v2safe = Client.portoneV2({ apiSecret: 'x', idempotency: true, retryUnknownOutcome: true });
  try {
    const cancel = await v2safe.post('/payments/p/cancel', { json: {}, idempotencyKey: 'order-1-cancel-0001', retryUnknownOutcome: false });
    const key: string | null = cancel.idempotencyKey;
    console.log(key);
  } catch (lost) { if (lost instanceof PayTokenError) console.log(lost.idempotencyKey?.length); }
  const result: NetCancelResult = await pg.nicepayNetcancel('order-1', { timeoutMs: 5000 });
  const outcome: 'cancelled' | 'notNeeded' | 'retry' = result.outcome;
  console.log(outcome, result.resultCode, result.resultMsg, result.httpStatus, pg.nicepaySign('a', 'b').length);
  // @ts-expect-error wrong option type
  Client.portoneV1({ impKey: 'k' });
  // Issue 21: every stats key typed, mustRetry, the timeout error's names, log levels.
  const stats: ClientStats = pg.stats();
  const valid: number | null = stats.tokenValidForMs;
  const skew: number | null = stats.gatewayClockSkewMs;
  const counters: number[] = [stats.tokenFetches, stats.cacheHits, stats.refreshFailures, stats.retriesAfter401,
    stats.fetchesSkippedAfterRefusal, stats.hostCacheReads, stats.unknownOutcomeRetries,
    stats.asyncThreads, stats.asyncRunning, stats.asyncQueued];
  const gateway: 'nicepay' | 'portone-v1' | 'portone-v2' = stats.gateway;
  const again: boolean = result.mustRetry;
  const lost: PayTokenTimeoutError = new TimeoutError('x');
  setLogLevel('debug');
  setLogLevel('warning');
  // @ts-expect-error the level names are 'debug', 'warning' and 'off'
  setLogLevel('info');
  logs.on('log', (record: LogRecord) => { const level: 'debug' | 'warning' = record.level; console.log(level); });
  console.log(valid, skew, counters, gateway, again, lost);
}
main();
