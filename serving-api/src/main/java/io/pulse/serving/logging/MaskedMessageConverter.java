package io.pulse.serving.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The text format's message ({@code %maskedMsg}) with {@link SecretMasking} applied. */
public class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return SecretMasking.mask(super.convert(event));
    }
}
