package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paytoken.spring.PayTokenProperties;
import io.paytoken.spring.bare.BareApplication;
import io.paytoken.spring.shop.PaymentService;
import io.paytoken.spring.shop.ShopApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The starter (issue 26.1) in a real Spring Boot application booted from the README's
 * properties against the simulator: the properties are bound, the clients are beans,
 * {@code /actuator/health} and {@code /actuator/prometheus} show paytoken over real HTTP,
 * no credential is shown or logged, and the clients are closed on shutdown. (In package
 * io.paytoken for the library suite's simulator launcher and metric-table check.)
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringBootStarterTest {
    static final String[] CREDENTIALS = {Simulator.NICEPAY_SECRET_KEY, Simulator.API_SECRET, Simulator.NICEPAY_CLIENT_KEY};

    /**
     * The README's ```properties block (Spring Boot section), with each client's origin
     * swapped for the simulator's as the snippet runner does; the ${...} credentials come from
     * the environment (the pom sets the simulator's, as a deployment would set real ones).
     */
    static Map<String, Object> readmeProperties(String simUrl) throws IOException {
        String readme = new String(Files.readAllBytes(Paths.get("README.md")), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```properties\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has a ```properties block");
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String line : block.group(1).split("\n")) {
            if (line.trim().isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("=", 2);
            properties.put(kv[0].trim(), kv[1].trim());
            Matcher client = Pattern.compile("^paytoken\\.clients\\.(\\w+)\\.gateway$").matcher(kv[0].trim());
            if (client.matches()) {
                properties.put("paytoken.clients." + client.group(1) + ".base-url", simUrl);
            }
        }
        return properties;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> component(Map<String, Object> health, String... path) {
        Map<String, Object> node = health;
        for (String name : path) {
            node = (Map<String, Object>) ((Map<String, Object>) node.get("components")).get(name);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Object detail(Map<String, Object> component, String key) {
        return ((Map<String, Object>) component.get("details")).get(key);
    }

    @Test
    void theReadmeConfigurationBootsAShopWithClientsHealthAndMetrics(CapturedOutput output) throws Exception {
        PayTokenClient nicepay;
        try (Simulator sim = Simulator.start()) {
            Map<String, Object> properties = readmeProperties(sim.url);
            properties.put("management.endpoints.web.exposure.include", "health,prometheus,env,configprops");
            properties.put("management.endpoint.env.show-values", "always"); // Boot 3; 2.7 shows them anyway
            properties.put("management.endpoint.configprops.show-values", "always");
            properties.put("logging.level.io.paytoken", "DEBUG");
            properties.put("paytoken.clients.shop.primary", "true"); // of two, the one injected by type
            try (BootedApp app = BootedApp.start(ShopApplication.class, properties)) {
                assertEquals(System.getProperty("paytoken.boot.line"), SpringBootVersion.getVersion());

                PayTokenProperties bound = app.context.getBean(PayTokenProperties.class);
                assertEquals("nicepay", bound.getClients().get("shop").getGateway());
                assertEquals("portone-v2", bound.getClients().get("billing").getGateway());
                assertEquals(sim.url, bound.getClients().get("shop").getBaseUrl());

                PaymentService service = app.context.getBean(PaymentService.class);
                nicepay = service.nicepay();
                assertSame(app.context.getBean("shopPayTokenClient"), nicepay);
                assertSame(nicepay, app.context.getBean(PayTokenClient.class));
                assertEquals("nicepay", nicepay.getGateway());
                assertEquals(200, service.nicepayStatus("T_sim_1"));
                assertEquals(200, service.portoneStatus("pay_sim_1"));
                assertEquals(1, sim.tokenRequests("nicepay"));

                BootedApp.Response health = app.get("/actuator/health");
                assertEquals(200, health.status, health.toString());
                Map<String, Object> shop = component(health.json(), "paytoken", "shop");
                assertEquals("UP", shop.get("status"), health.toString());
                assertEquals("fresh", detail(shop, "token"));
                assertEquals("nicepay", detail(shop, "gateway"));
                Map<String, Object> billing = component(health.json(), "paytoken", "billing");
                assertEquals("UP", billing.get("status"), health.toString());
                assertEquals(1, sim.tokenRequests("nicepay"), "a probe with a fresh token asks for none");

                BootedApp.Response prometheus = app.get("/actuator/prometheus");
                assertEquals(200, prometheus.status);
                MetricTable.Scrape scrape = new MetricTable.Scrape(paytokenLines(prometheus.body));
                assertEquals(new ArrayList<String>(),
                        MetricTable.mismatches(MetricTable.readmeTable(), scrape));
                assertEquals(1.0, scrape.samples.get("paytoken_token_fetches_total").get("shop"));
                assertEquals(0.0, scrape.samples.get("paytoken_token_fetches_total").get("billing"));
                assertTrue(prometheus.body.contains("client=\"shop\"") && prometheus.body.contains("gateway=\"nicepay\""));
                assertTrue(prometheus.body.contains("gateway=\"portone-v2\""));

                for (String endpoint : new String[] {"/actuator/env", "/actuator/configprops"}) {
                    BootedApp.Response shown = app.get(endpoint);
                    assertEquals(200, shown.status);
                    assertTrue(shown.body.contains("paytoken.clients"), endpoint + " shows the paytoken properties");
                    for (String credential : CREDENTIALS) {
                        assertFalse(shown.body.contains(credential), endpoint + " shows a credential");
                    }
                }
                assertFalse(bound.toString().contains(Simulator.NICEPAY_SECRET_KEY));
            }
        }
        assertThrows(IllegalStateException.class, nicepay::stats, "closed on shutdown");
        assertTrue(output.getAll().contains("fetch"), "the library's debug records reach the log");
        for (String credential : CREDENTIALS) {
            assertFalse(output.getAll().contains(credential), "a credential was logged");
        }
    }

    @Test
    void anApplicationWithoutPaytokenPropertiesStartsWithNoClient() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("management.endpoint.health.show-details", "always");
        try (BootedApp app = BootedApp.start(BareApplication.class, properties)) {
            assertEquals(0, app.context.getBeanNamesForType(PayTokenClient.class).length);
            BootedApp.Response health = app.get("/actuator/health");
            assertEquals(200, health.status, health.toString());
            assertEquals("UP", health.json().get("status"), health.toString());
        }
    }

    @Test
    void aBlockTheLibraryRefusesStopsTheStartNamingTheBlockNotTheSecret() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("paytoken.clients.broken.gateway", "nicepay");
        properties.put("paytoken.clients.broken.secret-key", "a-secret-without-its-client-key");
        properties.put("paytoken.clients.broken.base-url", "http://127.0.0.1:9");
        Throwable failure = assertThrows(Exception.class, () -> BootedApp.start(BareApplication.class, properties));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        assertTrue(chain.toString().contains("paytoken.clients.broken: "), chain.toString());
        assertFalse(chain.toString().contains("a-secret-without-its-client-key"), chain.toString());
    }

    /** The paytoken families of a whole-application scrape (the JVM's and Tomcat's are left out). */
    static String paytokenLines(String scrape) {
        StringBuilder lines = new StringBuilder();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("paytoken_") || line.startsWith("# HELP paytoken_") || line.startsWith("# TYPE paytoken_")) {
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }
}
