'use strict';
// The Promise and sync APIs against every gateway of a real simulator.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client, Response, InvalidArgumentError, libraryVersion } = require('..');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startSim, REPO } = require('./helpers/sim');

let sim;
before(async () => {
  sim = await startSim();
});
after(() => sim.stop());

describe('nicepay (token scheme)', () => {
  test('token() fetches once, then serves from the cache', async () => {
    const pg = Client.nicepay({ ...sim.config('nicepay'), sandbox: true });
    const first = await pg.token();
    const second = await pg.token();
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(second, first);
    const stats = pg.stats();
    assert.equal(stats.tokenFetches, 1);
    assert.ok(stats.cacheHits >= 1, `cacheHits ${stats.cacheHits}`);
    assert.equal((await sim.stats()).tokenRequests.nicepay, 1);
  });

  test('get() sends the cached token as Bearer and returns a Response', async () => {
    const pg = new Client(sim.config('nicepay'));
    const token = await pg.token();
    const res = await pg.get('/v1/payments/tid_get_1');
    assert.ok(res instanceof Response);
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.ok(Buffer.isBuffer(res.body));
    assert.match(res.header('Content-Type'), /application\/json/i);
    assert.equal(res.headers['content-type'], res.header('content-type'));
    const body = res.json();
    assert.equal(body.resultCode, '0000');
    assert.equal(body.tid, 'tid_get_1');
    assert.equal(res.text(), res.body.toString('utf8'));
    const seen = await sim.lastRequest();
    assert.equal(seen.method, 'GET');
    assert.equal(seen.path, '/v1/payments/tid_get_1');
    assert.equal(seen.headers.authorization, `Bearer ${token}`);
  });

  test('post() with json sends UTF-8 JSON and extra headers', async () => {
    const pg = Client.nicepay(sim.config('nicepay'));
    const res = await pg.post('/v1/payments/tid_post_1/cancel', {
      json: { reason: '고객 요청', orderId: 'order-1' },
      headers: { 'X-Request-Id': 'req-42' },
    });
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/v1/payments/tid_post_1/cancel');
    assert.equal(seen.headers['x-request-id'], 'req-42');
    assert.match(seen.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(seen.body), { reason: '고객 요청', orderId: 'order-1' });
  });

  test('request() with a raw body and its own content type', async () => {
    const pg = new Client(sim.config('nicepay'));
    const res = await pg.request('post', '/v1/payments/netcancel', {
      body: Buffer.from('{"orderId":"order-raw"}'),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    assert.equal(seen.method, 'POST');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.body, '{"orderId":"order-raw"}');
  });

  test('bodies from typed-array views, ArrayBuffers and strings send exactly their bytes', async () => {
    const pg = new Client(sim.config('nicepay'));
    const bodies = [
      [new Uint8Array(Buffer.from('xx{"view":1}yy')).subarray(2, 12), '{"view":1}'],
      [new TextEncoder().encode('{"arrayBuffer":2}').buffer, '{"arrayBuffer":2}'],
      ['{"text":"한글"}', '{"text":"한글"}'],
    ];
    for (const [body, expected] of bodies) {
      await pg.post('/v1/payments/netcancel', { body });
      assert.equal((await sim.lastRequest()).body, expected);
    }
  });

  test('a query string reaches the gateway as given', async () => {
    const pg = new Client(sim.config('nicepay'));
    const res = await pg.get('/v1/payments/find/order-1?orderDate=20261120&memo=%ED%95%9C');
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    assert.equal(seen.path, '/v1/payments/find/order-1');
    assert.equal(seen.query, 'orderDate=20261120&memo=%ED%95%9C');
  });

  test('a non-2xx answer is a Response, not an error', async () => {
    await sim.fault({ gateway: 'nicepay', endpoint: 'api', kind: 'status', status: 503, count: 1 });
    const pg = new Client(sim.config('nicepay'));
    const res = await pg.get('/v1/payments/tid_503');
    assert.equal(res.status, 503);
    assert.equal(res.ok, false);
    assert.ok(res.body.length > 0);
  });

  test('tokenSync() and requestSync() give the same results without a Promise', () => {
    const pg = new Client(sim.config('nicepay'));
    const token = pg.tokenSync();
    assert.equal(typeof token, 'string');
    const res = pg.requestSync('GET', '/v1/payments/tid_sync');
    assert.ok(res instanceof Response);
    assert.equal(res.json().tid, 'tid_sync');
  });

  test('invalidate(token) makes the next call fetch again', async () => {
    const pg = new Client(sim.config('nicepay'));
    const token = await pg.token();
    const before = pg.stats().tokenFetches;
    pg.invalidate('not-the-cached-token'); // compare-and-invalidate: a stale token drops nothing
    await pg.token();
    assert.equal(pg.stats().tokenFetches, before);
    pg.invalidate(token);
    assert.equal(await pg.token(), token); // NICEPAY hands out the same token until expiry
    assert.equal(pg.stats().tokenFetches, before + 1);
    pg.invalidate();
    await pg.token();
    assert.equal(pg.stats().tokenFetches, before + 2);
  });

  test('a revoked token is replaced after one 401 and the request succeeds', async () => {
    const pg = new Client(sim.config('nicepay'));
    const old = await pg.token();
    await sim.revoke('nicepay');
    const res = await pg.get('/v1/payments/tid_after_revoke');
    assert.equal(res.status, 200);
    assert.notEqual(await pg.token(), old);
    assert.ok(pg.stats().retriesAfter401 >= 1);
  });
});

describe('nicepay (basic scheme)', () => {
  test('requests carry Basic credentials; token() is refused', async () => {
    const pg = Client.nicepay({ ...sim.config('nicepay'), auth: 'basic' });
    const res = await pg.get('/v1/payments/tid_basic');
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    const expected = Buffer.from('S2_sim_client_key:sim_nicepay_secret_key').toString('base64');
    assert.equal(seen.headers.authorization, `Basic ${expected}`);
    await assert.rejects(pg.token(), InvalidArgumentError);
  });
});

describe('portone-v1', () => {
  test('token, tier header and an authorized request', async () => {
    const pg = Client.portoneV1({ ...sim.config('portone-v1'), tier: 'T01' });
    const token = await pg.token();
    assert.match(token, /^[0-9a-f]{40}$/);
    const res = await pg.get('/payments/imp_123');
    assert.equal(res.status, 200);
    assert.equal(res.json().code, 0);
    const seen = await sim.lastRequest();
    assert.equal(seen.headers.authorization, `Bearer ${token}`);
    assert.equal(seen.headers.tier, 'T01');
    const cancel = await pg.post('/payments/cancel', { json: { imp_uid: 'imp_123', reason: 'test' } });
    assert.equal(cancel.status, 200);
  });
});

describe('portone-v2', () => {
  test('the default secret scheme sends "PortOne <apiSecret>" and has no token', async () => {
    const pg = Client.portoneV2(sim.config('portone-v2'));
    const res = await pg.get('/payments/pay_1');
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    assert.equal(seen.headers.authorization, 'PortOne sim_portone_v2_api_secret');
    await assert.rejects(pg.token(), (error) => error instanceof InvalidArgumentError && /token/i.test(error.message));
  });

  test('the token scheme logs in once and sends the JWT', async () => {
    const pg = Client.portoneV2({ ...sim.config('portone-v2'), auth: 'token', storeId: 'store-1' });
    const jwt = await pg.token();
    assert.equal(jwt.split('.').length, 3);
    const res = await pg.post('/payments/pay_2/cancel', {
      json: { reason: 'test' },
      headers: { 'Idempotency-Key': 'idem-1' },
    });
    assert.equal(res.status, 200);
    const seen = await sim.lastRequest();
    assert.equal(seen.headers.authorization, `Bearer ${jwt}`);
    // PortOne V2: a caller's key goes out as an RFC 8941 string (quoted or not).
    assert.equal(seen.headers['idempotency-key'], '"idem-1"');
    assert.equal(pg.stats().tokenFetches, 1);
  });
});

describe('package surface', () => {
  test('libraryVersion() reports the loaded library', () => {
    assert.match(libraryVersion(), /^\d+\.\d+\.\d+/);
  });

  test('PAYTOKEN_LIB chooses the library; a wrong path is a clear error', () => {
    const probe = (libPath) =>
      spawnSync(
        process.execPath,
        ['-e', `const { Client } = require('..');
          new Client(${JSON.stringify(sim.config('portone-v2'))});
          const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
          console.log(maps.split('\\n').find((l) => l.includes('libpaytoken')).split(' ').pop());`],
        { cwd: __dirname, env: { ...process.env, PAYTOKEN_LIB: libPath }, encoding: 'utf8' },
      );
    const built = path.join(REPO, 'target', 'release', 'libpaytoken.so');
    const good = probe(built);
    assert.equal(good.status, 0, good.stderr);
    assert.equal(good.stdout.trim(), built);
    const bad = probe('/nonexistent/libpaytoken.so');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /cannot load \/nonexistent\/libpaytoken\.so.*PAYTOKEN_LIB/);
  });

  test('the ES module entry exports the same Client', async () => {
    const esm = await import('paytoken');
    assert.equal(esm.Client, Client);
    assert.equal(esm.default.Client, Client);
  });

  test('put/patch/delete shortcuts send their method', async () => {
    const pg = Client.portoneV2(sim.config('portone-v2'));
    for (const method of ['put', 'patch', 'delete']) {
      const res = await pg[method]('/payments/pay_m');
      assert.equal(typeof res.status, 'number');
      assert.equal((await sim.lastRequest()).method, method.toUpperCase());
    }
  });

  test('close() frees the client; later calls are a typed error', async () => {
    const pg = new Client(sim.config('nicepay'));
    await pg.token();
    pg.close();
    pg.close(); // idempotent
    assert.equal(pg.closed, true);
    await assert.rejects(pg.token(), InvalidArgumentError);
    assert.throws(() => pg.tokenSync(), InvalidArgumentError);
    assert.throws(() => pg.stats(), InvalidArgumentError);
  });

  test('close() during a call waits for it to finish', async () => {
    const pg = new Client(sim.config('nicepay'));
    await sim.hold('nicepay', 'api', 1);
    try {
      let settled = false;
      const pending = pg.get('/v1/payments/tid_close').finally(() => (settled = true));
      await sim.waitHeld(1); // the call is at the gateway: close() lands in the middle of it
      pg.close();
      assert.equal(pg.closed, true);
      assert.equal(settled, false, 'the call ended before close(): nothing was in flight');
      assert.equal(await sim.release(), 1);
      assert.equal((await pending).status, 200);
    } finally {
      await sim.clearFaults();
    }
  });
});
