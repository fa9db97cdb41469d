"""PortOne's official Python V2 server SDK (portone-server-sdk) and a PyPI V1 client
(iamport-rest-client) against the simulator: lookups, cancels and errors parse into
their typed results, and the SDK's webhook verifier accepts the simulator's webhooks."""

import http.server
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from simulator import Simulator  # noqa: E402

from portone_server_sdk import PaymentClient  # noqa: E402
from portone_server_sdk import webhook  # noqa: E402
from portone_server_sdk.errors import (  # noqa: E402
    CancelAmountExceedsCancellableAmountError,
    InvalidRequestError,
    PaymentAlreadyCancelledError,
    PaymentNotFoundError,
    PaymentNotPaidError,
)
from portone_server_sdk.payment import (  # noqa: E402
    CancelledPayment,
    FailedPayment,
    PaidPayment,
    PartialCancelledPayment,
    ReadyPayment,
    VirtualAccountIssuedPayment,
)
import iamport  # noqa: E402

API_SECRET = "sim_portone_v2_api_secret"
SECRET = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE="


class PortOneV2Sdk(unittest.TestCase):
    def setUp(self):
        self.sim = Simulator()
        self.client = PaymentClient(secret=API_SECRET, base_url=self.sim.url)

    def tearDown(self):
        self.sim.stop()

    def create(self, **spec):
        return self.sim.admin("POST", "/__sim/payments", {"gateway": "portone-v2", **spec})

    def test_every_status_parses_into_its_typed_payment(self):
        expected = {
            "ready": ReadyPayment,
            "paid": PaidPayment,
            "failed": FailedPayment,
            "virtual-account-issued": VirtualAccountIssuedPayment,
        }
        for status, kind in expected.items():
            self.create(id=f"p-{status}", amount=1000, status=status)
            payment = self.client.get_payment(payment_id=f"p-{status}")
            self.assertIsInstance(payment, kind, status)
            self.assertEqual(payment.amount.total, 1000)
        listed = self.client.get_payments()
        self.assertEqual(listed.page.total_count, 4)
        self.assertEqual(len(listed.items), 4)

    def test_lookup_partial_and_full_cancel_with_a_decoded_korean_id(self):
        payment_id = "주문/2026 11"
        self.create(id=payment_id, amount=10000, orderName="티셔츠")
        paid = self.client.get_payment(payment_id=payment_id)
        self.assertIsInstance(paid, PaidPayment)
        self.assertEqual((paid.id, paid.amount.paid, paid.order_name), (payment_id, 10000, "티셔츠"))

        partial = self.client.cancel_payment(payment_id=payment_id, amount=4000, reason="부분 환불")
        self.assertEqual(partial.cancellation.total_amount, 4000)
        after = self.client.get_payment(payment_id=payment_id)
        self.assertIsInstance(after, PartialCancelledPayment)
        self.assertEqual(after.amount.cancelled, 4000)

        with self.assertRaises(CancelAmountExceedsCancellableAmountError):
            self.client.cancel_payment(payment_id=payment_id, amount=6001, reason="too much")
        self.client.cancel_payment(payment_id=payment_id, reason="나머지")
        cancelled = self.client.get_payment(payment_id=payment_id)
        self.assertIsInstance(cancelled, CancelledPayment)
        self.assertEqual(len(cancelled.cancellations), 2)
        with self.assertRaises(PaymentAlreadyCancelledError):
            self.client.cancel_payment(payment_id=payment_id, reason="again")

    def test_errors_parse_into_their_types(self):
        with self.assertRaises(PaymentNotFoundError):
            self.client.get_payment(payment_id="never-existing")
        with self.assertRaises(PaymentNotFoundError):
            self.client.cancel_payment(payment_id="never-existing", reason="x")
        self.create(id="ready-1", amount=100, status="ready")
        with self.assertRaises(PaymentNotPaidError):
            self.client.cancel_payment(payment_id="ready-1", reason="x")
        self.create(id="paid-1", amount=100)
        with self.assertRaises(InvalidRequestError):
            self.client.cancel_payment(payment_id="paid-1", amount=0, reason="x")

    def test_the_sdk_verifier_accepts_the_simulators_webhooks(self):
        received = []

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                received.append((dict((k.lower(), v) for k, v in self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_port}/portone-webhook"
            self.sim.admin("POST", "/__sim/webhooks", {"gateway": "portone-v2", "url": url, "secret": SECRET})
            self.create(id="hooked", amount=2500)
            self.client.cancel_payment(payment_id="hooked", amount=500, reason="부분")
            deadline = time.time() + 10
            while len(received) < 2 and time.time() < deadline:
                time.sleep(0.02)
            self.assertEqual(len(received), 2)
            paid = webhook.verify(SECRET, received[0][1], received[0][0])
            self.assertEqual(type(paid).__name__, "WebhookTransactionPaid")
            self.assertEqual(paid.data.payment_id, "hooked")
            partial = webhook.verify(SECRET, received[1][1], received[1][0])
            self.assertEqual(type(partial).__name__, "WebhookTransactionCancelledPartialCancelled")
            with self.assertRaises(webhook.WebhookVerificationError):
                webhook.verify("whsec_b3RoZXItc2VjcmV0", received[0][1], received[0][0])
        finally:
            server.shutdown()
            server.server_close()


class PortOneV1Client(unittest.TestCase):
    def setUp(self):
        self.sim = Simulator()
        self.client = iamport.Iamport(imp_key="sim_imp_key", imp_secret="sim_imp_secret", imp_url=self.sim.url + "/")

    def tearDown(self):
        self.sim.stop()

    def test_lookup_is_paid_cancel_and_errors(self):
        created = self.sim.admin(
            "POST", "/__sim/payments", {"gateway": "portone-v1", "orderId": "주문-7", "amount": 3000}
        )
        imp_uid = created["id"]
        found = self.client.find(imp_uid=imp_uid)
        self.assertEqual((found["status"], found["amount"], found["merchant_uid"]), ("paid", 3000, "주문-7"))
        self.assertEqual(self.client.find(merchant_uid="주문-7")["imp_uid"], imp_uid)
        self.assertTrue(self.client.is_paid(3000, imp_uid=imp_uid))
        self.assertFalse(self.client.is_paid(3001, imp_uid=imp_uid))

        partial = self.client.cancel("부분 환불", imp_uid=imp_uid, amount=1000)
        self.assertEqual(partial["cancel_amount"], 1000)
        with self.assertRaises(iamport.Iamport.ResponseError):
            self.client.cancel("too much", imp_uid=imp_uid, amount=2001)
        full = self.client.cancel("나머지", merchant_uid="주문-7")
        self.assertEqual(full["status"], "cancelled")
        with self.assertRaises(iamport.Iamport.ResponseError):
            self.client.cancel("again", imp_uid=imp_uid)
        with self.assertRaises(iamport.Iamport.HttpError) as missing:
            self.client.find(imp_uid="imp_000000000000")
        self.assertEqual(missing.exception.code, 404)


if __name__ == "__main__":
    unittest.main()
