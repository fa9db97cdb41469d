/* The C driver's bookkeeping (soak/driver_util.c): clock, randomness, the events file,
 * per-call accounting against deadlines, tokens seen, the library's log records. */
#ifndef SOAK_DRIVER_UTIL_H
#define SOAK_DRIVER_UTIL_H

#include "paytoken.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* How far past its own timeoutMs a call may end: SOAK_OVER_MS, which soak/run.py sets
 * from soak/checks.py's allowed_over_ms() (the one place the bound is decided). How far
 * calls end past their own timeoutMs alone is reported too ("late"). */
#define LATE_MS 250
int over_ms(void);

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
void emit_memory_end(void);

#endif
