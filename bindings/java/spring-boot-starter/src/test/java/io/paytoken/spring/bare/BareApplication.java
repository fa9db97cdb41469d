package io.paytoken.spring.bare;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application with no code of its own: one client, injected by type in the test. */
@SpringBootApplication
public class BareApplication {
}
