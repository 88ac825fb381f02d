package io.pulse.serving.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/**
 * {@link SecretMasking} for every string the JSON encoder writes (message, stack trace, MDC values,
 * arguments): {@code <valueMasker class="io.pulse.serving.logging.SecretValueMasker"/>} in a
 * {@code MaskingJsonGeneratorDecorator}.
 */
public class SecretValueMasker implements ValueMasker {

    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (!(value instanceof CharSequence text)) {
            return null;
        }
        String original = text.toString();
        String masked = SecretMasking.mask(original);
        return masked == original ? null : masked;
    }
}
