'use strict';
// An HTTP answer from the gateway. Any status (200, 404, 500...) is a Response, not an
// error: only a 401 that survives one retry with a fresh token is an AuthError.

const util = require('node:util');
const koffi = require('koffi');

class Response {
  /**
   * @param {number} status
   * @param {Record<string, string>} headers lower-case names; repeated headers joined with ", "
   * @param {Buffer} body the bytes as received
   */
  constructor(status, headers, body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** True for a 2xx status. */
  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  /** A header by name, case-insensitively, or undefined. */
  header(name) {
    return this.headers[String(name).toLowerCase()];
  }

  /** The body decoded as text (UTF-8 unless told otherwise). */
  text(encoding = 'utf8') {
    return this.body.toString(encoding);
  }

  /** The body parsed as JSON; throws a SyntaxError when it is not JSON. */
  json() {
    return JSON.parse(this.text());
  }

  [util.inspect.custom](depth, options, inspect) {
    const summary = { status: this.status, headers: this.headers, body: `<${this.body.length} bytes>` };
    return `Response ${inspect(summary, options)}`;
  }
}

/** Copies a `paytoken_response` into a Response; the caller frees the native one. */
function readResponse(n, handle) {
  const status = n.responseStatus(handle);
  const len = [0];
  const bodyPtr = n.responseBody(handle, len);
  const size = Number(len[0]);
  // koffi.view() aliases native memory that dies with the response: copy it out.
  const body = size > 0 && bodyPtr ? Buffer.from(new Uint8Array(koffi.view(bodyPtr, size))) : Buffer.alloc(0);
  const headers = JSON.parse(n.responseHeadersJson(handle) || '{}');
  return new Response(status, headers, body);
}

module.exports = { Response, readResponse };
