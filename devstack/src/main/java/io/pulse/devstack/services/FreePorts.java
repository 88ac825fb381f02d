package io.pulse.devstack.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, for the embedded services and the platform's own listeners. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on now (another process could still take it before it is used). */
    public static int any() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code preferred} when it is free, so a restart keeps its URLs; any free port otherwise. */
    public static int preferred(int preferred) {
        return isFree(preferred) ? preferred : any();
    }

    /**
     * Whether a server could listen on the port now. With SO_REUSEADDR, as servers bind: connections of a
     * stopped server that linger in TIME_WAIT do not hold its port.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
