package io.paytoken;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;

/** A real Spring Boot web application on a free loopback port, asked over real HTTP. */
final class BootedApp implements AutoCloseable {
    final ConfigurableApplicationContext context;
    final int port;

    private BootedApp(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    static BootedApp start(Class<?> application, Map<String, Object> properties) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .properties(properties)
                .properties("server.port=0", "server.address=127.0.0.1")
                .run();
        return new BootedApp(context);
    }

    /** The status and body of {@code GET path}. */
    Response get(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            connection.setRequestProperty("Accept", path.endsWith("prometheus") ? "text/plain" : "application/json");
            int status = connection.getResponseCode();
            InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            return new Response(status, in == null ? "" : Simulator.readAll(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    static final class Response {
        final int status;
        final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
