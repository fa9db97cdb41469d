'use strict';
// Bytes the C heap (glibc malloc, all arenas) has handed out and not got back: what a
// missing paytoken_*_free would grow. Unlike RSS it does not move with V8's heap.

const koffi = require('koffi');

const size = 'size_t';
const Mallinfo2 = koffi.struct({
  arena: size, ordblks: size, smblks: size, hblks: size, hblkhd: size,
  usmblks: size, fsmblks: size, uordblks: size, fordblks: size, keepcost: size,
});
const mallinfo2 = koffi.load('libc.so.6').func('mallinfo2', Mallinfo2, []);

/** In-use bytes: small chunks (uordblks) plus mmap-ed large ones (hblkhd). */
function nativeHeapBytes() {
  const info = mallinfo2();
  return Number(info.uordblks) + Number(info.hblkhd);
}

module.exports = { nativeHeapBytes };
