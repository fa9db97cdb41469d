'use strict';
// Caps how many async C calls are handed to koffi at once; the rest wait here in FIFO order.
//
// koffi refuses an async call (throws) once `max_async_calls` (256 by default, shared by
// everything using koffi on this thread) are running or queued, and gives each queued
// call its own stack and heap blocks. libuv only runs UV_THREADPOOL_SIZE (default 4) of
// them at a time anyway, so queueing the surplus in JS costs no latency and keeps a
// burst of 10,000 requests from failing.

const koffi = require('koffi');

function defaultLimit() {
  const pool = Number.parseInt(process.env.UV_THREADPOOL_SIZE, 10) || 4;
  const koffiMax = koffi.config().max_async_calls;
  // Leave half of koffi's slots to any other koffi user in the process.
  return Math.max(1, Math.min(Math.max(64, pool * 2), Math.floor(koffiMax / 2)));
}

class Gate {
  constructor(limit = defaultLimit()) {
    this.limit = limit;
    this.running = 0;
    this.waiting = [];
    this.head = 0; // index of the next waiting task: shift() would be O(n) per call
  }

  /** Runs `task` (returning a Promise) when a slot is free. */
  run(task) {
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
