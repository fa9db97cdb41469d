'use strict';
// Checks on what the user passes, before anything reaches koffi: koffi 3 reads a stray
// number as an address, so every value for a C parameter is made here from a checked one.

const { invalidArgument } = require('./errors');

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Throws unless `value` is a non-array object. */
function requireObject(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object, got ${describe(value)}`);
  }
  return value;
}

/** JSON text of `value`; values JSON cannot express (BigInt, cycles, functions) are refused. */
function toJson(value, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw Object.assign(invalidArgument(`${what} is not JSON-serialisable: ${cause.message}`), { cause });
  }
  if (text === undefined) throw invalidArgument(`${what} is not JSON-serialisable: got ${describe(value)}`);
  return text;
}

/** A JS string as a NUL-terminated UTF-8 Buffer for a `const char *` parameter. */
function cString(value, what) {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(value)}`);
  if (value.includes('\0')) throw invalidArgument(`${what} must not contain a NUL character`);
  return Buffer.from(value + '\0', 'utf8');
}

let timeoutRange = null;

/**
 * Refuses a `timeoutMs` outside the range the library's key table gives `timeoutMs` (the
 * core's rule), in this package's names rather than the C API's.
 */
function checkTimeoutMs(value) {
  if (value === undefined || value === null) return;
  if (timeoutRange === null) {
    const { native } = require('./native');
    const key = JSON.parse(native().configSchema()).keys.find((k) => k.name === 'timeoutMs');
    timeoutRange = [key.min ?? 1, key.max ?? 600000];
  }
  const [min, max] = timeoutRange;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`timeoutMs must be a whole number of milliseconds from ${min} to ${max}, got ${
      typeof value === 'number' ? value : describe(value)}`);
  }
}

/** The unknown-key error: names the key, the closest known one and every known one. */
function unknownOption(given, known, what) {
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length];
  };
  const close = known.filter((k) => distance(given, k) <= 2).sort((a, b) => distance(given, a) - distance(given, b))[0];
  const hint = close ? ` (did you mean "${close}"?)` : '';
  return invalidArgument(`unknown ${what} "${String(given).slice(0, 40)}"${hint} (known: ${known.join(', ')})`);
}

module.exports = { describe, requireObject, toJson, cString, checkTimeoutMs, unknownOption };
