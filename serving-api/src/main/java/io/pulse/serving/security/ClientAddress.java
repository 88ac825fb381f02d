package io.pulse.serving.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client's IP address, for per-IP limits and logs: the connection's peer, unless the peer is a
 * trusted proxy ({@code pulse.ingress.trusted-proxies}, CIDRs: the ingress or load balancer), then the
 * nearest address in {@code X-Forwarded-For} that is not a trusted proxy. A client cannot choose its
 * address by sending the header itself: from an untrusted peer it is ignored.
 */
@Singleton
public class ClientAddress {

    /** Literal IPv4 or IPv6 only: anything else is not resolved (no DNS lookups on request data). */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private record Cidr(byte[] network, int prefix) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Cidr> trusted = new ArrayList<>();

    public ClientAddress(@Value("${pulse.ingress.trusted-proxies:}") List<String> trustedProxies) {
        for (String cidr : trustedProxies) {
            if (cidr.isBlank()) {
                continue;
            }
            String[] parts = cidr.trim().split("/");
            InetAddress network = literal(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException("pulse.ingress.trusted-proxies: not an IP or CIDR: " + cidr);
            }
            int bits = network.getAddress().length * 8;
            trusted.add(new Cidr(network.getAddress(), parts.length > 1 ? Integer.parseInt(parts[1]) : bits));
        }
    }

    public String of(HttpRequest<?> request) {
        InetAddress peer = request.getRemoteAddress().getAddress();
        if (!isTrusted(peer)) {
            return peer.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        request.getHeaders().getAll("X-Forwarded-For")
                .forEach(header -> Arrays.stream(header.split(",")).map(String::trim).forEach(hops::add));
        InetAddress nearest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                break; // a malformed hop: trust nothing further left
            }
            nearest = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return nearest.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(cidr -> cidr.contains(address));
    }

    private static InetAddress literal(String text) {
        if (!LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
