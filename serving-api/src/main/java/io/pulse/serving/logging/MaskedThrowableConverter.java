package io.pulse.serving.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** The text format's stack trace ({@code %maskedEx}) with {@link SecretMasking} applied to it. */
public class MaskedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return SecretMasking.mask(super.throwableProxyToString(proxy));
    }
}
