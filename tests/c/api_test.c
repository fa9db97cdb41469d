/* Exercises the whole C API against a running simulator (PAYTOKEN_SIM_URL), compiled
 * against include/paytoken.h. Run under valgrind by `make test-c`: it must finish with no
 * leak and no invalid access. Prints "N passed, N failed". */
#include <pthread.h>
#include "prelude.h"

static const char *V1 = "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"sim_imp_secret\",\"baseUrl\":\"%s\"}";
static const char *NICE =
    "{\"gateway\":\"nicepay\",\"clientKey\":\"S2_sim_client_key\",\"secretKey\":\"sim_nicepay_secret_key\","
    "\"baseUrl\":\"%s\",\"returnCharSet\":\"euc-kr\"}";
static const char *NICE_BAD =
    "{\"gateway\":\"nicepay\",\"clientKey\":\"S2_sim_client_key\",\"secretKey\":\"wrong\",\"baseUrl\":\"%s\","
    "\"returnCharSet\":\"euc-kr\"}";
static const char *V2 = "{\"gateway\":\"portone-v2\",\"apiSecret\":\"sim_portone_v2_api_secret\",\"baseUrl\":\"%s\"}";

static void *hammer(void *arg) {
  paytoken_client *client = arg;
  for (int i = 0; i < 200; i++) {
    char *token = NULL;
    if (paytoken_get_token(client, &token, NULL) == PAYTOKEN_OK) paytoken_string_free(token);
  }
  return NULL;
}

int main(void) {
  require_sim_url();
  paytoken_error err;

  /* static strings */
  CHECK(strcmp(paytoken_version(), "0.1.0") == 0);
  CHECK(strcmp(paytoken_strerror(PAYTOKEN_E_AUTH), paytoken_strerror(2)) == 0);
  CHECK(strcmp(paytoken_strerror(1234), "unknown status") == 0);

  /* config errors fill the struct and write no client */
  paytoken_client *none = NULL;
  CHECK(paytoken_client_new("{\"gateway\":\"nicepay\",\"colour\":1}", &none, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(none == NULL && err.code == 1 && strstr(err.message, "colour") != NULL);
  CHECK(paytoken_client_new(NULL, &none, NULL) == PAYTOKEN_E_INVALID_ARGUMENT);

  /* token, cache, threads */
  paytoken_client *v1 = make_client(V1);
  char *token = NULL, *again = NULL;
  CHECK(paytoken_get_token(v1, &token, &err) == PAYTOKEN_OK && strlen(token) == 40);
  CHECK(paytoken_get_token(v1, &again, &err) == PAYTOKEN_OK && strcmp(token, again) == 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, hammer, v1);
  for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
  CHECK(paytoken_invalidate(v1, "not-the-token", &err) == PAYTOKEN_OK);
  CHECK(paytoken_invalidate(v1, token, &err) == PAYTOKEN_OK);
  CHECK(paytoken_invalidate(v1, NULL, &err) == PAYTOKEN_OK);
  paytoken_string_free(token);
  paytoken_string_free(again);

  /* request with body and headers, response accessors */
  paytoken_response *resp = NULL;
  const char *body = "{\"imp_uid\":\"imp_1\",\"reason\":\"test\"}";
  CHECK(paytoken_request(v1, "POST", "/payments/cancel", "{\"Idempotency-Key\":\"c-1\"}", (const uint8_t *)body,
                         strlen(body), &resp, &err) == PAYTOKEN_OK);
  CHECK(paytoken_response_status(resp) == 200);
  size_t len = 0;
  const uint8_t *bytes = paytoken_response_body(resp, &len);
  CHECK(bytes != NULL && len > 0 && bytes[len] == 0);
  CHECK(strstr((const char *)bytes, "\"code\":0") != NULL);
  const char *ct = paytoken_response_header(resp, "CONTENT-TYPE");
  CHECK(ct != NULL && strstr(ct, "application/json") != NULL);
  CHECK(paytoken_response_header(resp, "x-not-there") == NULL);
  const char *all = paytoken_response_headers_json(resp);
  CHECK(all != NULL && all[0] == '{' && strstr(all, "\"content-type\"") != NULL);
  paytoken_response_free(resp);

  /* bad request arguments */
  resp = NULL;
  CHECK(paytoken_request(v1, "GET", "https://evil.example/x", NULL, NULL, 0, &resp, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(resp == NULL && strstr(err.message, "absolute URL") != NULL);
  CHECK(paytoken_request(v1, "GET", "/x", "{bad", NULL, 0, &resp, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_request(NULL, "GET", "/x", NULL, NULL, 0, &resp, &err) == PAYTOKEN_E_INVALID_ARGUMENT);

  /* per-call options */
  CHECK(paytoken_request_ex(v1, "GET", "/payments/imp_1", NULL, NULL, 0, "{\"timeoutMs\":5000}", &resp, &err) == PAYTOKEN_OK);
  CHECK(resp != NULL && paytoken_response_status(resp) == 200 && err.code == 0);
  paytoken_response_free(resp);
  resp = NULL;
  CHECK(paytoken_request_ex(v1, "GET", "/payments/imp_1", NULL, NULL, 0, "{\"retries\":3}", &resp, &err) ==
        PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(resp == NULL && strstr(err.message, "unknown key \"retries\"") != NULL);

  /* the library's heap in use: a held response counts, and 50 calls give back all they
   * took (the connection is pooled from the calls above) */
  uint64_t heap_before = paytoken_heap_in_use();
  CHECK(heap_before > 0);
  CHECK(paytoken_request(v1, "GET", "/payments/imp_1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK);
  CHECK(paytoken_heap_in_use() > heap_before);
  paytoken_response_free(resp);
  for (int i = 0; i < 50; i++) {
    resp = NULL;
    if (paytoken_request(v1, "GET", "/payments/imp_1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK)
      paytoken_response_free(resp);
  }
  CHECK(paytoken_heap_in_use() <= heap_before + 16 * 1024);

  /* stats */
  char *stats = NULL;
  CHECK(paytoken_client_stats(v1, &stats, &err) == PAYTOKEN_OK && strstr(stats, "\"tokenFetches\":") != NULL);
  paytoken_string_free(stats);

  /* an EUC-KR error message, decoded; gateway code and HTTP status filled */
  paytoken_client *bad = make_client(NICE_BAD);
  token = NULL;
  CHECK(paytoken_get_token(bad, &token, &err) == PAYTOKEN_E_AUTH && token == NULL);
  CHECK(err.http_status == 401 && strcmp(err.gateway_code, "U104") == 0);
  CHECK(strstr(err.message, "\xec\x82\xac\xec\x9a\xa9\xec\x9e\x90") != NULL); /* "사용자" in UTF-8 */
  paytoken_client_free(bad);

  /* NICEPAY token scheme and PortOne V2 secret scheme */
  paytoken_client *nice = make_client(NICE);
  CHECK(paytoken_request(nice, "GET", "/v1/payments/T_1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK);
  CHECK(paytoken_response_status(resp) == 200);
  paytoken_response_free(resp);
  paytoken_client *v2 = make_client(V2);
  CHECK(paytoken_get_token(v2, &token, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_request(v2, "GET", "/payments/pay_1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK);
  paytoken_response_free(resp);

  /* NULLs everywhere they are accepted */
  paytoken_client_free(NULL);
  paytoken_string_free(NULL);
  paytoken_response_free(NULL);
  CHECK(paytoken_response_status(NULL) == -1);
  CHECK(paytoken_response_body(NULL, NULL) == NULL);

  paytoken_client_free(nice);
  paytoken_client_free(v2);
  paytoken_client_free(v1);
  return report("c api");
}
