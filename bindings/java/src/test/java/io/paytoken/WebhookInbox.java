package io.paytoken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loopback endpoint that receives the simulator's webhooks exactly as sent (headers with
 * lower-case names, the body's bytes). {@link #next} blocks until one arrives: the delivery
 * is the event a test waits on; the timeout only bounds a broken simulator.
 */
final class WebhookInbox implements AutoCloseable {
    /** One webhook as it arrived. */
    static final class Received {
        final Map<String, String> headers;
        final byte[] body;

        Received(Map<String, String> headers, byte[] body) {
            this.headers = headers;
            this.body = body;
        }
    }

    private final ServerSocket server;

    WebhookInbox() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(30_000);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    Received next() throws IOException {
        return next(200, "OK");
    }

    Received next(int status, String answer) throws IOException {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            Map<String, String> headers = new LinkedHashMap<>();
            readLine(in);
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.get("content-length"));
            byte[] body = new byte[length];
            for (int read = 0; read < length; ) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    throw new IOException("the webhook body ended early");
                }
                read += n;
            }
            OutputStream out = socket.getOutputStream();
            byte[] text = answer.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + text.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(text);
            out.flush();
            return new Received(headers, body);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return new String(line.toByteArray(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
