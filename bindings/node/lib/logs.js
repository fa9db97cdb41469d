'use strict';
// The library's log records as 'log' events on an EventEmitter: `paytoken.logs.on('log',
// ({level, message}) => ...)`. Records are collected only while a listener is attached.
//
// The library queues records without blocking the thread that made the call (a full
// queue drops and counts them); JavaScript must run on the event loop, so this module
// polls the queue (paytoken_log_next, memory only) after each request and on an unref'd
// timer, and emits each record there.

const { EventEmitter } = require('node:events');
const { native, check } = require('./native');

const LEVELS = { 1: 'info', 2: 'debug' };
const POLL_MS = 100;

const logs = new EventEmitter();
let timer = null;
let level = 0;

/** Collects records at `wanted` (0 none, 1 info, 2 debug); also chosen by adding a listener. */
function setLevel(wanted) {
  if (![0, 1, 2].includes(wanted)) throw new RangeError(`log level must be 0, 1 or 2, got ${wanted}`);
  const err = {};
  check(native().logConfigure(wanted, null, null, err), err);
  level = wanted;
  if (wanted > 0 && timer === null) {
    timer = setInterval(drainLogs, POLL_MS);
    timer.unref();
  } else if (wanted === 0 && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

/** Emits every queued record now (the queue is in memory: this never waits). */
function drainLogs() {
  if (level === 0) return;
  const n = native();
  const levelOut = [0];
  const messageOut = [null];
  while (n.logNext(levelOut, messageOut) === 1) {
    logs.emit('log', { level: LEVELS[levelOut[0]] || 'debug', message: messageOut[0] });
  }
}

logs.on('newListener', (event) => {
  if (event === 'log' && level === 0) setLevel(2);
});
logs.on('removeListener', (event) => {
  if (event === 'log' && logs.listenerCount('log') === 0 && level !== 0) setLevel(0);
});

/** Records dropped because the library's queue was full (process lifetime). */
function droppedLogs() {
  return Number(native().logDropped());
}

module.exports = { logs, setLevel, drainLogs, droppedLogs };
