package shop;

import io.paytoken.AuthException;
import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import io.paytoken.PayTokenResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A shop's Spring Boot program: paytoken-spring-boot-starter from the jar a Maven build
 * resolved, clients from properties alone (java_spring.sh passes them on the command line,
 * the credentials in the environment). Prints the "token:", "request:" and "error:" lines
 * tests/packaging/lib.sh checks.
 */
@SpringBootApplication
public class SpringApp {
    public static void main(String[] args) throws PayTokenException {
        try (ConfigurableApplicationContext context = SpringApplication.run(SpringApp.class, args)) {
            PayTokenClient shop = context.getBean("shopPayTokenClient", PayTokenClient.class);
            System.out.println("token: " + shop.token().length() + " chars");
            PayTokenResponse response = shop.request("GET", "/v1/payments/packaging_smoke_tid");
            System.out.println("request: HTTP " + response.getStatus());
            try {
                context.getBean("wrongPayTokenClient", PayTokenClient.class).token();
                throw new IllegalStateException("a wrong secret got a token");
            } catch (AuthException e) {
                System.out.println("error: AuthException (HTTP " + e.getHttpStatus() + ")");
            }
        }
    }
}
