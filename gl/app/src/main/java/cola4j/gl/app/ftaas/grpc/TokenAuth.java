package cola4j.gl.app.ftaas.grpc;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Identity from a secret. The server side ({@link #interceptCall}) reads {@code authorization: Bearer <token>},
 * compares its SHA-256 digest with every known token's in constant time (MessageDigest.isEqual, no early exit) and
 * runs the call with the user's id in {@link #USER}; a missing or unknown token ends the call with UNAUTHENTICATED
 * before any service code runs. Service code takes the id from the Context, never from a message. The client side
 * ({@link #credentials}) attaches the header to every call.
 */
public final class TokenAuth implements ServerInterceptor {
    /** The authenticated user id of the current call. */
    public static final Context.Key<Integer> USER = Context.key("cola4j-ftaas-user");

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private record Entry(byte[] digest, int user) {}

    private final List<Entry> entries = new ArrayList<>();

    /** @param tokens token → user id (only their digests are kept) */
    public TokenAuth(Map<String, Integer> tokens) {
        tokens.forEach((t, u) -> entries.add(new Entry(sha256(t), u)));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Integer user = authenticate(headers.get(AUTHORIZATION));
        if (user == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("missing or unknown token"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(USER, user), call, headers, next);
    }

    /** The user of an authorization header, or null. */
    Integer authenticate(String header) {
        if (header == null || !header.startsWith(BEARER)) return null;
        byte[] presented = sha256(header.substring(BEARER.length()).strip());
        Integer match = null;
        for (Entry e : entries) if (MessageDigest.isEqual(e.digest, presented)) match = e.user;
        return match;
    }

    /** Call credentials that present {@code token} on every call. */
    public static CallCredentials credentials(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(AUTHORIZATION, BEARER + token);
                applier.apply(m);
            }
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
