'use strict';
// Runs in a worker thread: token, one request and one typed error, reported to the parent.

const { parentPort, workerData } = require('node:worker_threads');
const { Client } = require('../..');

(async () => {
  try {
    const pg = Client.nicepay(workerData.config);
    const pending = pg.token();
    parentPort.postMessage('calling'); // token() has started: the parent may release the fetch
    const token = await pending;
    const res = await pg.get('/v1/payments/tid_worker');
    // Another gateway, so the parent's count of NICEPAY token requests stays exact.
    const wrong = Client.portoneV1({ impKey: 'k', impSecret: 'wrong-secret-in-worker', baseUrl: workerData.config.baseUrl });
    const errorClass = await wrong.token().then(
      () => 'none',
      (error) => error.constructor.name,
    );
    parentPort.postMessage({ token, status: res.status, errorClass });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.stack) });
  }
})();
