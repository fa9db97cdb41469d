package io.paytoken.spring.shop;

import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/** Injects the configured clients by their names, as the README shows. */
@Service
public class PaymentService {
    private final PayTokenClient nicepay;
    private final PayTokenClient portone;

    public PaymentService(@Qualifier("shop") PayTokenClient nicepay, @Qualifier("billing") PayTokenClient portone) {
        this.nicepay = nicepay;
        this.portone = portone;
    }

    public int nicepayStatus(String tid) throws PayTokenException {
        return nicepay.request("GET", "/v1/payments/" + tid).getStatus();
    }

    public int portoneStatus(String paymentId) throws PayTokenException {
        return portone.request("GET", "/payments/" + paymentId).getStatus();
    }

    public PayTokenClient nicepay() {
        return nicepay;
    }
}
