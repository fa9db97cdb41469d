package io.paytoken.spring.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A shop's application: its own code is PaymentService; paytoken comes from the starter. */
@SpringBootApplication
public class ShopApplication {
}
