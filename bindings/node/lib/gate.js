'use strict';
// Caps how many async C calls run at once; the rest wait here in FIFO order.
//
// Each async call holds one of libuv's UV_THREADPOOL_SIZE threads (default 4) for as long
// as the gateway takes. The pool also serves fs, dns.lookup, crypto and zlib: if paytoken
// took every thread, a gateway that hangs would stall the server's file reads and DNS
// lookups for up to timeoutMs. So paytoken runs at most pool size - 1 calls at a time.
// Waiting here rather than in koffi also matters: koffi throws once `max_async_calls`
// (256, shared by every koffi user on the thread) are queued, so a burst of 10,000
// requests would fail there, while here it just waits its turn.

const koffi = require('koffi');

function defaultLimit() {
  const pool = Number.parseInt(process.env.UV_THREADPOOL_SIZE, 10) || 4;
  const koffiMax = koffi.config().max_async_calls;
  return Math.max(1, Math.min(pool - 1, Math.floor(koffiMax / 2)));
}

class Gate {
  constructor(limit = null) {
    this.limit = limit; // read on first use: the program may set UV_THREADPOOL_SIZE after require()
    this.running = 0;
    this.waiting = [];
    this.head = 0; // index of the next waiting task: shift() would be O(n) per call
  }

  /** Runs `task` (returning a Promise) when a slot is free. */
  run(task) {
    if (this.limit === null) this.limit = defaultLimit();
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.#next();
    });
  }

  #next() {
    while (this.running < this.limit && this.head < this.waiting.length) {
      const { task, resolve, reject } = this.waiting[this.head];
      this.waiting[this.head++] = undefined;
      if (this.head === this.waiting.length) {
        this.waiting = [];
        this.head = 0;
      }
      this.running++;
      let started;
      try {
        started = Promise.resolve(task());
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(resolve, reject).finally(() => {
        this.running--;
        this.#next();
      });
    }
  }
}

module.exports = { Gate };
