'use strict';
// An HTTP answer from the gateway. Any status (200, 404, 500...) is a Response, not an
// error: only a 401 that survives one retry with a fresh token is an AuthError.

const util = require('node:util');
const koffi = require('koffi');
const { GatewayError } = require('./errors');

const EXCERPT_CHARS = 120;

class Response {
  /**
   * @param {number} status
   * @param {Record<string, string>} headers lower-case names; repeated headers joined with ", "
   * @param {Buffer} body the bytes as received
   * @param {{text?: string, method?: string, url?: string}} [decoded] the library's text of the body
   */
  constructor(status, headers, body, { text, method = '', url = '', idempotencyKey = null } = {}) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    /** The path (and query) that was requested, on the client's origin. */
    this.url = url;
    this.method = method;
    /** The Idempotency-Key the request carried (unquoted), or null. */
    this.idempotencyKey = idempotencyKey;
    Object.defineProperty(this, '_text', { value: text ?? body.toString('utf8') });
  }

  /** True for a 2xx status. */
  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  /** A header by name, case-insensitively, or undefined. */
  header(name) {
    return this.headers[String(name).toLowerCase()];
  }

  /**
   * The body as text, decoded by the library (the declared charset; EUC-KR read as CP949;
   * invalid bytes become U+FFFD): the same text in every language paytoken supports.
   */
  text() {
    return this._text;
  }

  /** The body parsed as JSON; a GatewayError with the status and an excerpt when it is not JSON. */
  json() {
    try {
      return JSON.parse(this._text);
    } catch (cause) {
      const flat = this._text.replace(/\s+/g, ' ').trim();
      const excerpt = flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
      throw new GatewayError(
        `the answer to ${this.method} ${this.url} (HTTP ${this.status}) is not JSON: ${JSON.stringify(excerpt)}`,
        { errno: 3, httpStatus: this.status },
      );
    }
  }

  [util.inspect.custom](depth, options, inspect) {
    const summary = { status: this.status, headers: this.headers, body: `<${this.body.length} bytes>` };
    return `Response ${inspect(summary, options)}`;
  }
}

/** Copies a `paytoken_response` into a Response; the caller frees the native one. */
function readResponse(n, handle, request = {}) {
  const status = n.responseStatus(handle);
  const len = [0];
  const bodyPtr = n.responseBody(handle, len);
  const size = Number(len[0]);
  // koffi.view() aliases native memory that dies with the response: copy it out.
  const body = size > 0 && bodyPtr ? Buffer.from(new Uint8Array(koffi.view(bodyPtr, size))) : Buffer.alloc(0);
  const headers = JSON.parse(n.responseHeadersJson(handle) || '{}');
  const textLen = [0];
  const textPtr = n.responseText(handle, textLen);
  const textSize = Number(textLen[0]);
  const text =
    textSize > 0 && textPtr ? Buffer.from(new Uint8Array(koffi.view(textPtr, textSize))).toString('utf8') : '';
  const idempotencyKey = n.responseIdempotencyKey(handle) ?? null;
  return new Response(status, headers, body, { text, ...request, idempotencyKey });
}

module.exports = { Response, readResponse };
