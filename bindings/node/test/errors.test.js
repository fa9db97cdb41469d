'use strict';
// Typed errors from the library and from argument checks: always a rejection or a throw
// of a PayTokenError subclass, never a crash, never a secret in sight.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const util = require('node:util');
const paytoken = require('..');
const { Client, PayTokenError, InvalidArgumentError, AuthError, GatewayError, NetworkError, TimeoutError, ErrorCode } =
  paytoken;
const { startSim } = require('./helpers/sim');

const SECRETS = ['sim_nicepay_secret_key', 'sim_imp_secret', 'sim_portone_v2_api_secret', 'wrong-secret-xyz'];

function assertNoSecret(text) {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret "${secret}" leaked into: ${text}`);
}

/** Asserts `promise` rejects with an instance of `Class` carrying `code`; returns the error. */
async function rejection(promise, Class, code) {
  let caught;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof Class, `expected ${Class.name}, got ${util.inspect(caught)}`);
  assert.ok(caught instanceof PayTokenError);
  assert.equal(caught.code, code);
  assert.equal(caught.errno, ErrorCode[code]);
  assert.ok(caught.message.length > 0);
  assertNoSecret(caught.message);
  assertNoSecret(util.inspect(caught));
  return caught;
}

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

describe('errors from the gateway', () => {
  test('wrong NICEPAY secret: AuthError with the gateway code and HTTP status', async () => {
    const pg = Client.nicepay({ ...sim.config('nicepay'), secretKey: 'wrong-secret-xyz' });
    const error = await rejection(pg.token(), AuthError, 'PAYTOKEN_E_AUTH');
    assert.equal(error.httpStatus, 401);
    assert.equal(error.gatewayCode, 'U104');
    assert.equal(error.name, 'AuthError');
    assert.match(error.message, /사용자 인증에 실패하였습니다/); // the gateway's words, UTF-8 from a char[512]
    assert.throws(() => pg.tokenSync(), AuthError); // the same error, synchronously
  });

  test('an EUC-KR error answer reaches JavaScript as readable Korean', async () => {
    const pg = Client.nicepay({ ...sim.config('nicepay'), secretKey: 'wrong-secret-xyz', returnCharSet: 'euc-kr' });
    const error = await rejection(pg.token(), AuthError, 'PAYTOKEN_E_AUTH');
    assert.match(error.message, /사용자 인증에 실패하였습니다/);
  });

  test('wrong PortOne V1 secret and V2 secret are AuthErrors too', async () => {
    const v1 = Client.portoneV1({ ...sim.config('portone-v1'), impSecret: 'wrong-secret-xyz' });
    assert.equal((await rejection(v1.token(), AuthError, 'PAYTOKEN_E_AUTH')).httpStatus, 401);
    const v2 = Client.portoneV2({ ...sim.config('portone-v2'), apiSecret: 'wrong-secret-xyz', auth: 'token' });
    const error = await rejection(v2.token(), AuthError, 'PAYTOKEN_E_AUTH');
    assert.equal(error.gatewayCode, 'UNAUTHORIZED');
  });

  test('a 401 that survives the retry with a fresh token rejects with AuthError', async () => {
    const pg = new Client(sim.config('portone-v1'));
    await pg.token();
    await sim.fault({ gateway: 'portone-v1', endpoint: 'api', kind: 'unauthorized', count: 2 });
    const error = await rejection(pg.get('/payments/imp_401'), AuthError, 'PAYTOKEN_E_AUTH');
    assert.equal(error.httpStatus, 401);
  });

  test('a 503 from the token endpoint is a GatewayError', async () => {
    await sim.fault({ gateway: 'portone-v1', endpoint: 'token', kind: 'status', status: 503, count: 1 });
    const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'gw-503' }); // own cache key
    const error = await rejection(pg.token(), GatewayError, 'PAYTOKEN_E_GATEWAY');
    assert.equal(error.httpStatus, 503);
  });

  test('a malformed token answer is a GatewayError', async () => {
    await sim.fault({ gateway: 'portone-v1', endpoint: 'token', kind: 'malformed', count: 1 });
    const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'gw-malformed' });
    await rejection(pg.token(), GatewayError, 'PAYTOKEN_E_GATEWAY');
  });

  test('an answer that never comes is a TimeoutError within timeoutMs', async () => {
    await sim.fault({ gateway: 'portone-v2', endpoint: 'api', kind: 'hang', count: 1 });
    const pg = Client.portoneV2({ ...sim.config('portone-v2'), timeoutMs: 300 });
    const started = Date.now();
    await rejection(pg.get('/payments/pay_hang'), TimeoutError, 'PAYTOKEN_E_TIMEOUT');
    assert.ok(Date.now() - started < 5000);
  });

  test('a closed port is a NetworkError', async () => {
    const port = await freePort();
    const pg = Client.portoneV2({ apiSecret: 'sim_portone_v2_api_secret', baseUrl: `http://127.0.0.1:${port}` });
    await rejection(pg.get('/payments/pay_refused'), NetworkError, 'PAYTOKEN_E_NETWORK');
  });
});

describe('concurrent failures', () => {
  test('each async call reports its own error, not a neighbour\'s', async () => {
    const port = await freePort();
    const kinds = [
      [() => Client.nicepay({ ...sim.config('nicepay'), secretKey: 'wrong-secret-xyz' }).token(), AuthError, 'U104'],
      [() => Client.portoneV2({ ...sim.config('portone-v2'), baseUrl: `http://127.0.0.1:${port}` }).get('/payments/p'), NetworkError, ''],
      [() => Client.portoneV2(sim.config('portone-v2')).get('/payments/..%2F..%2Fadmin\r\n'), InvalidArgumentError, ''],
      [() => Client.portoneV2(sim.config('portone-v2')).get('/payments/ok'), null, ''],
    ];
    const calls = Array.from({ length: 40 }, (_, i) => kinds[i % kinds.length]);
    const results = await Promise.all(calls.map(([call]) => call().then((res) => res, (error) => error)));
    results.forEach((result, i) => {
      const [, Class, gatewayCode] = calls[i];
      if (Class === null) {
        assert.equal(result.status, 200, util.inspect(result));
      } else {
        assert.ok(result instanceof Class, `call ${i}: expected ${Class.name}, got ${util.inspect(result)}`);
        assert.equal(result.gatewayCode, gatewayCode, `call ${i}`);
      }
    });
  });
});

describe('bad config', () => {
  const cases = [
    ['an unknown key', () => new Client({ ...sim.config('nicepay'), colour: 'blue' }), /colour/],
    ['a missing credential', () => Client.nicepay({ clientKey: 'k', baseUrl: sim.url }), /secretKey/],
    ['an unknown gateway', () => new Client({ gateway: 'tosspay' }), /gateway/],
    ['a trailing newline in a secret', () => Client.nicepay({ ...sim.config('nicepay'), secretKey: 'abc\n' }), /whitespace/i],
    ['plain http to a remote host', () => Client.portoneV2({ apiSecret: 's', baseUrl: 'http://example.com' }), /loopback|http/i],
  ];
  for (const [what, make, pattern] of cases) {
    test(`${what} throws InvalidArgumentError`, () => {
      assert.throws(make, (error) => {
        assert.ok(error instanceof InvalidArgumentError, util.inspect(error));
        assert.equal(error.code, 'PAYTOKEN_E_INVALID_ARGUMENT');
        assert.match(error.message, pattern);
        assertNoSecret(error.message);
        return true;
      });
    });
  }

  test('non-object configs are refused in JavaScript', () => {
    for (const config of [undefined, null, 'nicepay', 42, ['nicepay']]) {
      assert.throws(() => new Client(config), InvalidArgumentError);
    }
    assert.throws(() => Client.nicepay(null), InvalidArgumentError);
    assert.throws(() => Client.nicepay({ ...sim.config('nicepay'), gateway: 'portone-v1' }), InvalidArgumentError);
    assert.throws(() => new Client({ gateway: 'nicepay', clientKey: 1n }), InvalidArgumentError); // BigInt
  });
});

describe('bad request arguments reject with InvalidArgumentError', () => {
  const bad = [
    ['a numeric method', (pg) => pg.request(42, '/x')],
    ['an unknown method', (pg) => pg.request('BREW', '/payments/x')],
    ['a missing path', (pg) => pg.get()],
    ['an object path', (pg) => pg.get({ path: '/x' })],
    ['a NUL in the path', (pg) => pg.get('/payments/a\0b')],
    ['an absolute URL', (pg) => pg.get('http://evil.example/steal')],
    ['a path without a slash', (pg) => pg.get('payments/x')],
    ['null options', (pg) => pg.get('/payments/x', null)],
    ['non-string header values', (pg) => pg.get('/payments/x', { headers: { 'X-N': 1 } })],
    ['headers as an array', (pg) => pg.get('/payments/x', { headers: [['a', 'b']] })],
    ['a header with CR LF', (pg) => pg.get('/payments/x', { headers: { 'X-A': 'a\r\nX-Injected: 1' } })],
    ['a numeric body', (pg) => pg.post('/payments/x', { body: 12345 })],
    ['both json and body', (pg) => pg.post('/payments/x', { json: {}, body: 'x' })],
    ['json with a BigInt', (pg) => pg.post('/payments/x', { json: { amount: 10n } })],
    ['json that is a function', (pg) => pg.post('/payments/x', { json: () => 1 })],
    ['circular json', (pg) => pg.post('/payments/x', { json: circular() })],
  ];
  for (const [what, call] of bad) {
    test(what, async () => {
      const pg = Client.portoneV2(sim.config('portone-v2'));
      const result = call(pg); // must not throw synchronously
      assert.ok(result instanceof Promise);
      await rejection(result, InvalidArgumentError, 'PAYTOKEN_E_INVALID_ARGUMENT');
    });
  }

  test('the sync API throws the same typed errors', () => {
    const pg = Client.portoneV2(sim.config('portone-v2'));
    assert.throws(() => pg.requestSync(7, '/x'), InvalidArgumentError);
    assert.throws(() => pg.requestSync('GET', '/x', { body: {} }), InvalidArgumentError);
    assert.throws(() => pg.invalidate(42), InvalidArgumentError);
  });

  test('nothing reached the gateway', async () => {
    const before = (await sim.stats()).apiRequests['portone-v2'];
    const pg = Client.portoneV2(sim.config('portone-v2'));
    await Promise.allSettled(bad.map(([, call]) => call(pg)));
    assert.equal((await sim.stats()).apiRequests['portone-v2'], before);
  });
});

describe('secrets stay hidden', () => {
  test('console.log / util.inspect / JSON.stringify show no credential', () => {
    const clients = [
      Client.nicepay(sim.config('nicepay')),
      Client.portoneV1(sim.config('portone-v1')),
      Client.portoneV2({ ...sim.config('portone-v2'), storeId: 'store-9' }),
    ];
    for (const pg of clients) {
      const shown = [
        util.inspect(pg),
        util.inspect(pg, { showHidden: true, depth: Infinity, getters: true }),
        util.format('%o %O %j', pg, pg, pg),
        JSON.stringify(pg),
        String(pg),
        Object.keys(pg).join(','),
      ].join('\n');
      assertNoSecret(shown);
      assert.ok(!shown.includes('S2_sim_client_key') && !shown.includes('sim_imp_key'), shown);
      assert.match(util.inspect(pg), new RegExp(pg.gateway));
    }
    assert.match(util.inspect(clients[2]), /store-9/); // non-secret settings stay visible
  });
});

function circular() {
  const value = { a: 1 };
  value.self = value;
  return value;
}

/** A loopback port nobody listens on. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
