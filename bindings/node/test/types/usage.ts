// Compiled (never run) by types.test.js: the public API as a TypeScript user writes it.

import { Client, Response, AuthError, PayTokenError, ErrorCode, libraryVersion, type RequestOptions } from 'paytoken';

async function main(): Promise<void> {
  const pg = Client.nicepay({ clientKey: 'k', secretKey: 's', sandbox: true });
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
  // @ts-expect-error wrong option type
  Client.portoneV1({ impKey: 'k' });
}
main();
