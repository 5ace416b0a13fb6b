package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server's view of one user over the network: its spec, its open step stream and the messages that arrived on
 * it. gRPC threads put messages in; only the session loop takes them out and sends, so a slow or hostile user can
 * fill at most its own small inbox (a user more than {@link #INBOX} messages ahead is cut off).
 */
final class Peer {
    /** Messages a user may have in flight. */
    static final int INBOX = 4;

    final int id;
    UserSpec spec;
    boolean registered;
    boolean stopped;
    boolean left;
    int served;
    int skipped;
    String status = "attached";
    String stopReason;
    private StreamObserver<ServerStep> out;
    private BlockingQueue<UserStep> inbox;
    private volatile String gone;
    private UserStep early;

    Peer(int id) {
        this.id = id;
    }

    /** A new step stream (first attach or re-attach): earlier messages are dropped. */
    synchronized void open(StreamObserver<ServerStep> observer) {
        out = observer;
        inbox = new ArrayBlockingQueue<>(INBOX);
        gone = null;
        early = null;
    }

    synchronized boolean streaming() {
        return out != null && gone == null;
    }

    /**
     * From a gRPC thread: a message arrived on stream {@code from}; ignored unless that is the current stream (after a
     * re-attach, the old stream's late messages and errors must not touch the new one); false (and the stream is cut)
     * if the user is too far ahead.
     */
    synchronized boolean offer(StreamObserver<ServerStep> from, UserStep m) {
        if (from != out || inbox == null || gone != null) return false;
        if (inbox.offer(m)) return true;
        close("more than " + INBOX + " messages ahead of the server");
        return false;
    }

    /** From a gRPC thread: stream {@code from} ended (process killed, network gone, or the user closed it). */
    synchronized void lost(StreamObserver<ServerStep> from, String why) {
        if (from == out) gone = why;
    }

    /** Why the stream is gone, or null while it is open. */
    String gone() {
        return gone;
    }

    /** Keeps a message of the next step (a user that re-attached mid-step) to be taken first then. */
    synchronized void pushBack(UserStep m) {
        early = m;
    }

    /** The next message, waiting until {@code deadlineNanos} (System.nanoTime); null on timeout or a lost stream. */
    UserStep next(long deadlineNanos) throws InterruptedException {
        while (true) {
            BlockingQueue<UserStep> q;
            synchronized (this) {
                if (early != null) {
                    UserStep m = early;
                    early = null;
                    return m;
                }
                q = inbox;   // read again each round: a re-attach replaces the inbox
            }
            if (q == null || gone != null) return null;
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) return q.poll();
            UserStep m = q.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
            if (m != null) return m;
        }
    }

    /** Sends one message; a user whose stream already failed is marked gone. */
    synchronized void send(ServerStep m) {
        if (out == null || gone != null) return;
        try {
            out.onNext(m);
        } catch (RuntimeException e) {
            gone = "send failed: " + e.getMessage();
        }
    }

    /** Sends a last message and ends the stream. */
    synchronized void finish(ServerStep last) {
        send(last);
        close(null);
    }

    /** Ends the stream (with an error status when {@code why} is not null). */
    synchronized void close(String why) {
        if (out == null) return;
        try {
            if (why == null) out.onCompleted();
            else out.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException());
        } catch (RuntimeException ignored) {
            // the stream was already cancelled by the client
        }
        out = null;
        if (gone == null) gone = why == null ? "finished" : why;
    }
}
