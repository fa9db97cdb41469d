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
const { invalidArgument } = require('./errors');

// The library's record levels: 1 and 2 are routine (fetches; cache hits), 3 a warning.
// The names are the same in every binding: 'debug' and 'warning'.
const LEVELS = { 1: 'debug', 2: 'debug', 3: 'warning' };
// What setLogLevel takes -> what the library collects (2: everything, 1: its warnings).
const COLLECT = { off: 0, warning: 1, debug: 2 };
const POLL_MS = 100;

const logs = new EventEmitter();
let timer = null;
let level = 0;
let minimum = 'debug';
let droppedSeen = 0;

/**
 * Collects records from `name` up: 'debug' (everything), 'warning', or 'off'; adding a
 * 'log' listener picks 'debug'. The numbers 0, 1, 2 of 0.1 still work (deprecated).
 */
function setLevel(name) {
  const wanted = typeof name === 'number' && [0, 1, 2].includes(name) ? name : COLLECT[name];
  if (wanted === undefined || typeof name === 'object') {
    throw invalidArgument(`unknown log level ${JSON.stringify(name)} (known: ${Object.keys(COLLECT).join(', ')})`);
  }
  minimum = name === 'debug' || name === 2 ? 'debug' : 'warning';
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
    const name = LEVELS[levelOut[0]] || 'debug';
    if (name === 'warning' || minimum === 'debug') logs.emit('log', { level: name, message: messageOut[0] });
  }
  const dropped = Number(n.logDropped());
  if (dropped > droppedSeen) {
    logs.emit('log', { level: 'warning', message: `${dropped - droppedSeen} log records were dropped (the library's queue was full)` });
    droppedSeen = dropped;
  }
}

logs.on('newListener', (event) => {
  if (event === 'log' && level === 0) setLevel('debug');
});
logs.on('removeListener', (event) => {
  if (event === 'log' && logs.listenerCount('log') === 0 && level !== 0) setLevel('off');
});

/** Records dropped because the library's queue was full (process lifetime). */
function droppedLogs() {
  return Number(native().logDropped());
}

/** Whether the library's routine (debug) records are collected: then cache hits are logged. */
function debugCollected() {
  return level === 2;
}

module.exports = { logs, setLevel, drainLogs, droppedLogs, debugCollected };
