/* The asynchronous C API against a running simulator (PAYTOKEN_SIM_URL), under valgrind
 * in `make test-c`: ASYNC_CALLS (default 10000) requests in flight through the library's
 * I/O threads, each called back exactly once, then errors, invalid arguments and a client
 * freed with calls in flight. Must end with no leak and no invalid access.
 * Prints "N passed, N failed". */
#include <pthread.h>
#include "prelude.h"

/* One slot per call: how often it was called back and with what. */
struct slot {
  int calls;
  int32_t status;
  int http;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done;

static void on_response(void *user_data, int32_t status, void *result, const paytoken_error *error) {
  struct slot *s = user_data;
  int http = 0;
  if (result) {
    http = paytoken_response_status(result);
    paytoken_response_free(result);
  }
  pthread_mutex_lock(&lock);
  s->calls++;
  s->status = status;
  s->http = http;
  if (error == NULL || error->code != status) s->status = -100; /* contract broken */
  done++;
  pthread_cond_broadcast(&done_cond);
  pthread_mutex_unlock(&lock);
}

static void on_token(void *user_data, int32_t status, void *result, const paytoken_error *error) {
  struct slot *s = user_data;
  if (result) paytoken_string_free(result);
  pthread_mutex_lock(&lock);
  s->calls++;
  s->status = status;
  if (error == NULL || error->code != status) s->status = -100;
  done++;
  pthread_cond_broadcast(&done_cond);
  pthread_mutex_unlock(&lock);
}

static void wait_for(int n) {
  pthread_mutex_lock(&lock);
  while (done < n) pthread_cond_wait(&done_cond, &lock);
  pthread_mutex_unlock(&lock);
}

/* A PortOne V1 config template for make_client, with EXTRA (",\"key\":value") appended. */
#define V1_WITH(extra)                                                                         \
  "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"sim_imp_secret\","   \
  "\"baseUrl\":\"%s\"" extra "}"

int main(void) {
  require_sim_url();
  int n = getenv("ASYNC_CALLS") ? atoi(getenv("ASYNC_CALLS")) : 10000;
  paytoken_error err;

  /* 1. n requests started at once; at most 64 run, the rest queue in the client's lane. */
  paytoken_client *client = make_client(V1_WITH(",\"maxInFlight\":64"));
  struct slot *slots = calloc((size_t)n, sizeof *slots);
  int accepted = 0;
  for (int i = 0; i < n; i++) {
    /* Path, options and body live on this stack frame only: the call copies them. */
    char path[64];
    snprintf(path, sizeof path, "/payments/imp_%d", i);
    if (paytoken_request_async(client, "GET", path, NULL, NULL, 0, "{\"timeoutMs\":60000}", on_response,
                               &slots[i], &err) == PAYTOKEN_OK)
      accepted++;
  }
  CHECK(accepted == n);
  wait_for(n);
  int once = 0, ok = 0;
  for (int i = 0; i < n; i++) {
    once += slots[i].calls == 1;
    ok += slots[i].status == PAYTOKEN_OK && slots[i].http == 200;
  }
  CHECK(once == n);
  CHECK(ok == n);
  if (ok != n) fprintf(stderr, "%d of %d succeeded\n", ok, n);

  /* 2. The cached token: fresh now, served without I/O; NULL for an unknown account. */
  char *token = NULL;
  CHECK(paytoken_get_token_cached(client, &token, &err) == PAYTOKEN_OK && token != NULL);
  paytoken_string_free(token);
  paytoken_client *cold = make_client(V1_WITH(",\"userAgent\":\"cold\",\"tier\":\"cold\""));
  token = (char *)1;
  CHECK(paytoken_get_token_cached(cold, &token, &err) == PAYTOKEN_OK && token == NULL);
  CHECK(paytoken_get_token_cached(NULL, &token, &err) == PAYTOKEN_E_INVALID_ARGUMENT);

  /* 3. Errors and invalid arguments come through the callback, once each. */
  struct slot bad[6];
  memset(bad, 0, sizeof bad);
  int base = done;
  paytoken_request_async(NULL, "GET", "/x", NULL, NULL, 0, NULL, on_response, &bad[0], &err);
  paytoken_request_async(client, "BREW", "/x", NULL, NULL, 0, NULL, on_response, &bad[1], &err);
  paytoken_request_async(client, "GET", "/x", "{not json", NULL, 0, NULL, on_response, &bad[2], &err);
  paytoken_request_async(client, "GET", "/x", NULL, NULL, 5, NULL, on_response, &bad[3], &err);
  paytoken_get_token_async(NULL, on_token, &bad[4], &err);
  paytoken_get_token_async(cold, on_token, &bad[5], &err); /* a real fetch: succeeds */
  wait_for(base + 6);
  for (int i = 0; i < 5; i++) CHECK(bad[i].calls == 1 && bad[i].status == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(bad[5].calls == 1 && bad[5].status == PAYTOKEN_OK);
  CHECK(paytoken_get_token_async(client, NULL, NULL, &err) == PAYTOKEN_E_INVALID_ARGUMENT);

  /* 4. Free the clients with calls in flight: each still completes, nothing leaks. */
  struct slot late[50];
  memset(late, 0, sizeof late);
  base = done;
  for (int i = 0; i < 50; i++)
    paytoken_request_async(client, "POST", "/payments/prepare", NULL, (const uint8_t *)"{}", 2, NULL, on_response,
                           &late[i], &err);
  paytoken_client_free(client);
  paytoken_client_free(cold);
  wait_for(base + 50);
  int late_ok = 0;
  for (int i = 0; i < 50; i++) late_ok += late[i].calls == 1 && late[i].status == PAYTOKEN_OK;
  CHECK(late_ok == 50);

  free(slots);
  printf("async_test: %d calls\n", n);
  return report("async_test");
}
