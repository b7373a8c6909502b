package carsight.streamer.ice;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class Ice4jPoolsTest {

    @Test
    void everyOneOfIce4jsSharedPoolsLetsAnIdleThreadGoWithinSeconds() throws Exception {
        assertThat(Ice4jPools.trim()).as("pools reached (an ice4j that renamed one needs Ice4jPools updated)")
                .isEqualTo(Ice4jPools.POOLS.size());
        for (String[] pool : Ice4jPools.POOLS) {
            ThreadPoolExecutor threads = (ThreadPoolExecutor) Ice4jPools.executor(pool);
            assertThat(threads.getKeepAliveTime(TimeUnit.SECONDS)).as(pool[0] + "." + pool[1])
                    .isEqualTo(Ice4jPools.KEEP_IDLE_SECONDS);
        }
    }
}
