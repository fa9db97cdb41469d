// Compiled (never run) by types.test.js: the package seen from an ES module.
import { Client, TimeoutError } from 'paytoken';

const pg: Client = Client.portoneV2({ apiSecret: 'x', auth: 'token', storeId: 's' });
const res = await pg.get('/payments/p', { headers: { 'Idempotency-Key': 'k' } });
const ok: boolean = res.ok;
const late: boolean = new TimeoutError('late') instanceof Error;
console.log(ok, late);
