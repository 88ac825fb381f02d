package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With TLS on, only TLS 1.3 handshakes succeed, and answers carry HSTS. */
class TlsIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static EmbeddedServer server;

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_tls");
        Map<String, Object> tls = new HashMap<>();
        tls.put("micronaut.ssl.enabled", true);
        tls.put("micronaut.server.ssl.port", -1);
        tls.put("micronaut.server.ssl.key-store.path", "classpath:tls/test-keystore.p12");
        tls.put("micronaut.server.ssl.key-store.password", "test-only-password");
        tls.put("micronaut.server.ssl.key-store.type", "PKCS12");
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, tls));
    }

    @AfterAll
    static void stop() {
        server.close();
        POSTGRES.dropDatabase(url);
    }

    /** Trusts the test's self-signed certificate: the subject here is the protocol, not the chain. */
    private static SSLSocket connect(String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.getPort());
        socket.setEnabledProtocols(new String[] {protocol});
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void aTls12HandshakeIsRefused() throws Exception {
        try (SSLSocket socket = connect("TLSv1.2")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aTls13HandshakeIsAcceptedAndTheAnswerCarriesHsts() throws Exception {
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            OutputStream out = socket.getOutputStream();
            out.write("GET /openapi/pulse-v2.yml HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200")
                    .containsIgnoringCase("strict-transport-security: max-age=31536000; includeSubDomains");
        }
    }
}
