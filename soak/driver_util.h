/* The C driver's bookkeeping (soak/driver_util.c): clock, randomness, the events file,
 * per-call accounting against deadlines, tokens seen, the library's log records. */
#ifndef SOAK_DRIVER_UTIL_H
#define SOAK_DRIVER_UTIL_H

#include "paytoken.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* A call's deadline is its own timeoutMs plus one token fetch's (the config's timeoutMs,
 * FETCH_MS): the library gives a token fetch its own deadline (docs/token-cache.md). It
 * may end up to MARGIN_MS after that (scheduling on a shared machine). How far calls end
 * past their own timeoutMs alone is reported too ("late"). */
#define FETCH_MS 2000
#define MARGIN_MS 1500
#define LATE_MS 250

double now_ms(void);
void sleep_ms(int ms);
void seed_rand(unsigned seed);
uint64_t rand_below(uint64_t n);
int env_int(const char *name, int fallback);
int sabotage(const char *what);
int util_init(void);
int stopping(void);
void timed_wait(pthread_cond_t *cond, pthread_mutex_t *lock, int ms);

void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void record_call(const char *op, int deadline_ms, double elapsed_ms, int32_t rc, const paytoken_error *err);
void count_double(void);
void note_token(const char *token);
void log_line(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void raw_get_with_token(const char *base_url, const char *path, const char *token);

void busy_begin(long thread);
void busy_end(long thread);
void check_busy(int threads);
void emit_tick(int inflight);
void emit_final(int still_pending);

#endif
