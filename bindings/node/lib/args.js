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

module.exports = { describe, requireObject, toJson, cString };
