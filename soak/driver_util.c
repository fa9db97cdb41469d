/* Bookkeeping of the C driver (see driver.c). Events are JSON lines in SOAK_EVENTS. */
#define _GNU_SOURCE
#include "driver_util.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static FILE *events, *tokens, *logs;
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tokens_lock = PTHREAD_MUTEX_INITIALIZER;
static double stop_at, start_at;
static const char *sabotage_kind = "";
static _Thread_local uint64_t rng; /* 0: not seeded yet on this thread */

static _Atomic long calls, errors[8], overruns, doubles, ticks_calls, late;
static _Atomic long worst_over_us = -1000000000L;
static char worst_op[32];
static double busy_since[64];
static int busy_flagged[64];
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;

double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

void seed_rand(unsigned seed) { rng = ((uint64_t)seed * 0x9E3779B97F4A7C15ull) | 1; }

uint64_t rand_below(uint64_t n) {
  /* Each thread (the library's I/O threads included) draws its own sequence. */
  if (!rng) rng = (88172645463325252ull ^ (uint64_t)pthread_self() ^ (uint64_t)(now_ms() * 1e6)) | 1;
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? rng % n : 0;
}

int env_int(const char *name, int fallback) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : fallback;
}

int sabotage(const char *what) { return strcmp(sabotage_kind, what) == 0; }

int over_ms(void) {
  static int cached = -1;
  if (cached < 0) cached = env_int("SOAK_OVER_MS", 3500);
  return cached;
}

int stopping(void) { return now_ms() >= stop_at; }

void timed_wait(pthread_cond_t *cond, pthread_mutex_t *lock, int ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += (long)ms * 1000000L;
  ts.tv_sec += ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  pthread_cond_timedwait(cond, lock, &ts);
}

void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pthread_mutex_lock(&events_lock);
  vfprintf(events, fmt, ap);
  fputc('\n', events);
  pthread_mutex_unlock(&events_lock);
  va_end(ap);
}

/* JSON string body of `s` (quotes, backslashes and control characters escaped). */
static void json_escape(const char *s, char *out, size_t n) {
  size_t j = 0;
  for (; *s && j + 7 < n; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') out[j++] = '\\', out[j++] = (char)c;
    else if (c < 0x20) j += (size_t)snprintf(out + j, n - j, "\\u%04x", c);
    else out[j++] = (char)c;
  }
  out[j] = 0;
}

void record_call(const char *op, int deadline_ms, double elapsed_ms, int32_t rc, const paytoken_error *err) {
  calls++;
  ticks_calls++;
  if (rc < 0 || rc > 7) rc = 7;
  if (rc != 0) {
    errors[rc]++;
    char msg[1100];
    json_escape(err ? err->message : "", msg, sizeof msg);
    emit("{\"ev\":\"error\",\"op\":\"%s\",\"rc\":%d,\"http\":%d,\"msg\":\"%s\"}", op, rc,
         err ? err->http_status : 0, msg);
  }
  long over_us = (long)((elapsed_ms - deadline_ms) * 1000);
  long worst = worst_over_us;
  while (over_us > worst && !atomic_compare_exchange_weak(&worst_over_us, &worst, over_us)) {}
  if (over_us > worst) snprintf(worst_op, sizeof worst_op, "%s", op);
  if (elapsed_ms > deadline_ms + LATE_MS) {
    late++;
    emit("{\"ev\":\"late\",\"op\":\"%s\",\"rc\":%d,\"elapsed_ms\":%.0f}", op, rc, elapsed_ms);
  }
  if (elapsed_ms > deadline_ms + over_ms()) {
    overruns++;
    emit("{\"ev\":\"overrun\",\"op\":\"%s\",\"elapsed_ms\":%.0f,\"deadline_ms\":%d}", op, elapsed_ms,
         deadline_ms + over_ms());
  }
}

void count_double(void) { doubles++; }

/* Every distinct token the driver was given goes to SOAK_TOKENS (a 0600 file of the run). */
void note_token(const char *token) {
  static char last[8][2048];
  static int next;
  pthread_mutex_lock(&tokens_lock);
  for (int i = 0; i < 8; i++) {
    if (strcmp(last[i], token) == 0) {
      pthread_mutex_unlock(&tokens_lock);
      return;
    }
  }
  snprintf(last[next], sizeof last[next], "%s", token);
  next = (next + 1) % 8;
  fprintf(tokens, "%s\n", token);
  fflush(tokens);
  pthread_mutex_unlock(&tokens_lock);
}

void log_line(int level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pthread_mutex_lock(&tokens_lock);
  fprintf(logs, "%d ", level);
  vfprintf(logs, fmt, ap);
  fputc('\n', logs);
  pthread_mutex_unlock(&tokens_lock);
  va_end(ap);
}

static void on_log(void *user_data, int32_t level, const char *message, size_t len) {
  (void)user_data;
  log_line(level, "%.*s", (int)len, message);
}

static FILE *open_out(const char *var) {
  const char *path = getenv(var);
  FILE *f = path ? fopen(path, "w") : NULL;
  if (!f) fprintf(stderr, "driver: cannot open %s (%s)\n", var, path ? path : "unset");
  return f;
}

int util_init(void) {
  events = open_out("SOAK_EVENTS");
  tokens = open_out("SOAK_TOKENS");
  logs = open_out("SOAK_LOG");
  if (!events || !tokens || !logs) return -1;
  if (getenv("SOAK_SABOTAGE")) sabotage_kind = getenv("SOAK_SABOTAGE");
  start_at = now_ms();
  stop_at = start_at + 1000.0 * env_int("SOAK_SECONDS", 60);
  paytoken_error err;
  if (paytoken_log_configure(env_int("SOAK_LOG_LEVEL", 1), on_log, NULL, &err) != 0) {
    fprintf(stderr, "driver: log_configure: %s\n", err.message);
    return -1;
  }
  return 0;
}

void busy_begin(long thread) {
  pthread_mutex_lock(&busy_lock);
  busy_since[thread] = now_ms();
  busy_flagged[thread] = 0;
  pthread_mutex_unlock(&busy_lock);
}

void busy_end(long thread) {
  pthread_mutex_lock(&busy_lock);
  busy_since[thread] = 0;
  pthread_mutex_unlock(&busy_lock);
}

/* A synchronous operation is at most two calls (a cancel and the sabotage's resend). */
void check_busy(int threads) {
  pthread_mutex_lock(&busy_lock);
  for (int i = 0; i < threads; i++) {
    double age = busy_since[i] ? now_ms() - busy_since[i] : 0;
    if (age > 2 * (4000 + over_ms()) && !busy_flagged[i]) {
      busy_flagged[i] = 1;
      emit("{\"ev\":\"overdue\",\"kind\":\"sync\",\"age_ms\":%.0f}", age);
    }
  }
  pthread_mutex_unlock(&busy_lock);
}

/* malloc's arenas (malloc_info's closing totals): how many, and the memory they took
 * from the system (in use + free, the top chunks included). */
struct arenas {
  long count, system_kib;
};

static long xml_size_after(const char *from, const char *tag) {
  const char *at = strstr(from, tag);
  const char *size = at ? strstr(at, "size=\"") : NULL;
  return size ? atol(size + 6) / 1024 : 0;
}

static struct arenas arenas_now(void) {
  struct arenas a = {0, 0};
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return a;
  malloc_info(0, f);
  fclose(f);
  for (const char *p = text; (p = strstr(p, "<heap nr=")) != NULL; p++) a.count++;
  const char *totals = strstr(text, "</heap>");
  for (const char *p = totals; p && (p = strstr(p + 1, "</heap>")) != NULL;) totals = p;
  if (totals) a.system_kib = xml_size_after(totals, "<system type=\"current\"");
  free(text);
  return a;
}

static long rss_kib(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void emit_tick(int inflight) {
  long n = ticks_calls;
  ticks_calls -= n;
  /* malloc_kib: bytes malloc has handed out and not had back (the whole process), of
   * which lib_kib are the library's (paytoken_heap_in_use); free_kib: what malloc keeps
   * free in its arenas (arena_kib, in `arenas` arenas). See soak/checks.py. */
  struct mallinfo2 mi = mallinfo2();
  struct arenas a = arenas_now();
  emit("{\"ev\":\"tick\",\"t\":%.1f,\"calls\":%ld,\"inflight\":%d,\"malloc_kib\":%zu,\"free_kib\":%zu,"
       "\"lib_kib\":%llu,\"arenas\":%ld,\"arena_kib\":%ld}",
       (now_ms() - start_at) / 1e3, n, inflight, (mi.uordblks + mi.hblkhd) / 1024, mi.fordblks / 1024,
       (unsigned long long)(paytoken_heap_in_use() / 1024), a.count, a.system_kib);
  pthread_mutex_lock(&events_lock);
  fflush(events);
  pthread_mutex_unlock(&events_lock);
  pthread_mutex_lock(&tokens_lock);
  fflush(logs);
  pthread_mutex_unlock(&tokens_lock);
}

/* After the run, every call finished: RSS, then malloc_trim(0) (which hands malloc's free
 * pages back to the system, in every arena), then RSS again. What the trim gives back was
 * free memory malloc kept, not a leak; what stays is memory in use. */
void emit_memory_end(void) {
  long before = rss_kib();
  struct mallinfo2 mi = mallinfo2();
  malloc_trim(0);
  emit("{\"ev\":\"memory_end\",\"rss_kib\":%ld,\"rss_trimmed_kib\":%ld,\"lib_kib\":%llu,\"malloc_kib\":%zu}",
       before, rss_kib(), (unsigned long long)(paytoken_heap_in_use() / 1024), (mi.uordblks + mi.hblkhd) / 1024);
}

void emit_final(int still_pending) {
  emit("{\"ev\":\"final\",\"calls\":%ld,\"errors\":[%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld],\"overruns\":%ld,"
       "\"doubles\":%ld,\"late\":%ld,\"lost\":%d,\"worst_over_ms\":%.1f,\"worst_op\":\"%s\",\"log_dropped\":%llu}",
       (long)calls, (long)errors[0], (long)errors[1], (long)errors[2], (long)errors[3], (long)errors[4],
       (long)errors[5], (long)errors[6], (long)errors[7], (long)overruns, (long)doubles, (long)late, still_pending,
       worst_over_us / 1000.0, worst_op, (unsigned long long)paytoken_log_dropped());
  fflush(events);
  fflush(logs);
}

/* A bare HTTP/1.1 GET to the loopback simulator (`http://127.0.0.1:PORT`) carrying
 * `token`, outside the library: only the stale-token sabotage uses it. */
void raw_get_with_token(const char *base_url, const char *path, const char *token) {
  const char *colon = base_url ? strrchr(base_url, ':') : NULL;
  if (!colon) return;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
    char request[1024], buf[4096];
    int n = snprintf(request, sizeof request,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
                     path, token);
    if (write(fd, request, (size_t)n) == n) {
      while (read(fd, buf, sizeof buf) > 0) {}
    }
  }
  close(fd);
}
