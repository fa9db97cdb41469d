/* A user's first program against an installed paytoken: built with
 * `pkg-config --cflags --libs paytoken`, run against the simulator (PAYTOKEN_SIM_URL).
 * Gets a token, makes an authorized request, handles an error. Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <paytoken.h>

static int passed, failed;
#define CHECK(cond) ((cond) ? passed++ : (failed++, fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #cond)))

static paytoken_client *client_with_secret(const char *url, const char *secret) {
  char config[512];
  snprintf(config, sizeof config,
           "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"%s\",\"baseUrl\":\"%s\"}", secret,
           url);
  paytoken_client *client = NULL;
  paytoken_error err;
  CHECK(paytoken_client_new(config, &client, &err) == PAYTOKEN_OK);
  return client;
}

int main(void) {
  const char *url = getenv("PAYTOKEN_SIM_URL");
  if (url == NULL) {
    fprintf(stderr, "set PAYTOKEN_SIM_URL\n");
    return 2;
  }
  paytoken_error err;
  CHECK(strcmp(paytoken_version(), PAYTOKEN_TEST_VERSION) == 0);

  paytoken_client *client = client_with_secret(url, "sim_imp_secret");
  char *token = NULL;
  CHECK(paytoken_get_token(client, &token, &err) == PAYTOKEN_OK && token != NULL && strlen(token) > 0);
  paytoken_string_free(token);

  paytoken_response *resp = NULL;
  CHECK(paytoken_request(client, "GET", "/payments/imp_1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK);
  size_t len = 0;
  const uint8_t *body = paytoken_response_body(resp, &len);
  CHECK(paytoken_response_status(resp) == 200 && body != NULL && len > 0);
  paytoken_response_free(resp);
  paytoken_client_free(client);

  /* wrong credentials: a typed error with a message, and no secret in it */
  paytoken_client *wrong = client_with_secret(url, "not-the-secret");
  token = NULL;
  int32_t rc = paytoken_get_token(wrong, &token, &err);
  CHECK(rc == PAYTOKEN_E_AUTH && token == NULL && err.code == rc);
  CHECK(err.message[0] != '\0' && strstr(err.message, "not-the-secret") == NULL);
  printf("error handled: %s: %s\n", paytoken_strerror(rc), err.message);
  paytoken_client_free(wrong);

  printf("consumer: %d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
