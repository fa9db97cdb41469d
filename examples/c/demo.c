/* paytoken C demo: get a token, show the second call comes from the cache, make an
 * authorized request, print the stats. Run by `make demo` against the simulator
 * (PAYTOKEN_SIM_URL), with the simulator's default PortOne V1 credentials. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paytoken.h"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int fail(const char *what, int32_t rc, const paytoken_error *err) {
  fprintf(stderr, "c: %s failed: %s (status %d: %s)\n", what, err->message, (int)rc, paytoken_strerror(rc));
  return 1;
}

int main(void) {
  const char *url = getenv("PAYTOKEN_SIM_URL");
  if (!url) {
    fprintf(stderr, "c: set PAYTOKEN_SIM_URL (make demo does)\n");
    return 2;
  }
  char config[512];
  snprintf(config, sizeof config,
           "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"sim_imp_secret\",\"baseUrl\":\"%s\"}",
           url);

  paytoken_error err;
  paytoken_client *client = NULL;
  int32_t rc = paytoken_client_new(config, &client, &err);
  if (rc != PAYTOKEN_OK) return fail("paytoken_client_new", rc, &err);

  char *token = NULL;
  double t0 = now_us();
  rc = paytoken_get_token(client, &token, &err);
  double t1 = now_us();
  if (rc != PAYTOKEN_OK) return fail("paytoken_get_token", rc, &err);
  printf("c: libpaytoken %s, PortOne V1 token %.6s… (%zu chars) fetched in %.0f us\n", paytoken_version(), token,
         strlen(token), t1 - t0);

  char *again = NULL;
  t0 = now_us();
  rc = paytoken_get_token(client, &again, &err);
  t1 = now_us();
  if (rc != PAYTOKEN_OK) return fail("paytoken_get_token", rc, &err);
  printf("c: second call: %s token in %.2f us (from the cache)\n", strcmp(token, again) == 0 ? "same" : "DIFFERENT",
         t1 - t0);
  paytoken_string_free(again);
  paytoken_string_free(token);

  paytoken_response *resp = NULL;
  rc = paytoken_request(client, "GET", "/payments/imp_448280090638", NULL, NULL, 0, &resp, &err);
  if (rc != PAYTOKEN_OK) return fail("paytoken_request", rc, &err);
  size_t len = 0;
  const uint8_t *body = paytoken_response_body(resp, &len);
  printf("c: GET /payments/imp_448280090638 -> HTTP %d, %zu bytes: %.60s…\n", paytoken_response_status(resp), len,
         (const char *)body);
  paytoken_response_free(resp);

  char *stats = NULL;
  rc = paytoken_client_stats(client, &stats, &err);
  if (rc != PAYTOKEN_OK) return fail("paytoken_client_stats", rc, &err);
  printf("c: stats %s\n", stats);
  paytoken_string_free(stats);
  paytoken_client_free(client);
  return 0;
}
