package io.pulse.serving.logging;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in log text, whoever wrote it (our code, Micronaut, Netty, Lettuce, HikariCP, a stack
 * trace's message): bearer and basic credentials, JWTs, API keys, the session cookie, CSRF tokens,
 * {@code password=}-style settings, OAuth codes and the password part of URIs. The last line of defence
 * behind "never log a credential"; logback.xml applies it to every JSON field and to the text format's
 * message and stack trace (docs/operations/observability.md, "Logs").
 */
public final class SecretMasking {

    public static final String MASK = "****";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final String VALUE = "[^\\s&;,\"'}\\]]+";

    private static final List<Rule> RULES = List.of(
            // a JWT (access, ID or refresh token) anywhere: base64url JSON header and payload, then a signature
            new Rule(Pattern.compile("eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*\\.?[A-Za-z0-9_-]*"), MASK),
            // an Authorization value (header, connection_init payload, a client's debug line)
            new Rule(Pattern.compile("(?i)\\b(Bearer|Basic)(\\s+)[A-Za-z0-9._~+/=-]+"), "$1$2" + MASK),
            // an API key: pulse_ and 256 random bits (ApiKeys); the shown prefix (pulse_ and 6) stays readable
            new Rule(Pattern.compile("\\bpulse_[A-Za-z0-9_-]{32,}"), "pulse_" + MASK),
            // a whole Cookie or Set-Cookie header value; a cookie's value and a session's id (micronaut-session
            // says "cookie value: ...", "cookie value ..." and "session id: ..." at DEBUG)
            new Rule(Pattern.compile("(?i)\\b((?:set-)?cookie)(\\s*[:=]\\s*)[^\\r\\n]+"), "$1$2" + MASK),
            new Rule(Pattern.compile("(?i)\\b(cookie[ _-]?value)(\\s*[:=]?\\s*)[^\\r\\n]+"), "$1$2" + MASK),
            new Rule(Pattern.compile("(?i)\\b(session[ _-]?id)(\\s*[:=]?\\s*)(?!" + Pattern.quote(MASK) + ")" + VALUE),
                    "$1$2" + MASK),
            // name=value, name: value and "name":"value" of any credential-like setting, header, parameter or
            // record component, its name ending in one of these (rabbitmqPassword, client-secret, csrfToken)
            new Rule(Pattern.compile("(?i)\\b([\\w.-]*(?:pulse_session|api[_-]?key|secret|password|passwd|pwd"
                    + "|token|code[_-]?verifier|authorization))(\"?\\s*[:=]\\s*\"?)(?!" + Pattern.quote(MASK) + ")" + VALUE),
                    "$1$2" + MASK),
            // an OAuth authorization code in a query string
            new Rule(Pattern.compile("([?&]code=)[^&\\s\"']+"), "$1" + MASK),
            // the password of a URI's user info: amqp://user:password@, redis://:password@, jdbc:...//u:p@
            new Rule(Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@\"']*):[^@\\s/\"']+@"), "$1:" + MASK + "@"));

    private SecretMasking() {
    }

    /** {@code text} with every credential in it masked; the same instance when there was none. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Rule rule : RULES) {
            Matcher matcher = rule.pattern().matcher(masked);
            if (matcher.find()) {
                masked = matcher.replaceAll(rule.replacement());
            }
        }
        return masked;
    }
}
