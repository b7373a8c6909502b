package carsight.streamer.ice;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * ice4j runs its agents' keep-alive tasks, its STUN message handling and its request retransmissions on three shared
 * cached thread pools, which keep an idle thread for a minute. Every viewer's tasks go to the same pools, but while
 * they overlap — above all while viewers join and their DTLS handshakes hold a one-core machine for seconds — each pool
 * grows, and the threads it grew then only wait for a minute: with four viewers on an interpreter, up to 19 idle pool
 * threads at once. Here those pools let an idle thread go after {@link #KEEP_IDLE_SECONDS}, so they keep about as many
 * threads as their tasks overlap now.
 *
 * <p>ice4j offers no setting for this; the pools are reached through their (private) fields. A later ice4j that
 * renames one is logged and left as it is ({@code Ice4jPoolsTest} fails on it first).
 */
final class Ice4jPools {

    private static final System.Logger LOG = System.getLogger(Ice4jPools.class.getName());
    static final long KEEP_IDLE_SECONDS = 2;
    /** Class and static field of each pool. */
    static final List<String[]> POOLS = List.of(
            new String[] {"org.ice4j.ice.Agent", "agentTasksExecutor"},
            new String[] {"org.ice4j.stack.NetAccessManager", "messageProcessingExecutor"},
            new String[] {"org.ice4j.stack.StunClientTransaction", "retransmissionExecutor"});

    private Ice4jPools() {
    }

    /** Shortens how long each pool keeps an idle thread; returns how many pools it reached. */
    static int trim() {
        int trimmed = 0;
        for (String[] pool : POOLS) {
            try {
                if (executor(pool) instanceof ThreadPoolExecutor threads) {
                    threads.setKeepAliveTime(KEEP_IDLE_SECONDS, TimeUnit.SECONDS);
                    trimmed++;
                    continue;
                }
                LOG.log(System.Logger.Level.DEBUG, "ice4j''s {0}.{1} is not a thread pool", pool[0], pool[1]);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "ice4j''s {0}.{1} left as it is: {2}", pool[0], pool[1], e.toString());
            }
        }
        return trimmed;
    }

    static Object executor(String[] pool) throws ReflectiveOperationException {
        Field field = Class.forName(pool[0]).getDeclaredField(pool[1]);
        field.setAccessible(true);
        return field.get(null);
    }
}
