package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleChannels} on its own: LIFO lending, trimming above the floor oldest first, one timer at
 * a time, and close. The trimming executor only collects the timer's task, so the test runs it when it
 * chooses; the channels are bare {@link PooledChannel}s (no broker: the class only orders and retires them).
 */
class IdleChannelsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<PooledChannel<String>> retired = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Runnable> trims = new LinkedBlockingQueue<>();
    private final Executor trimmer = trims::add;

    private static PooledChannel<String> channel(String name) {
        return new PooledChannel<>(null, null, name);
    }

    @Test
    void theMostRecentlyKeptChannelIsLentFirst() {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ofHours(1));
        PooledChannel<String> a = channel("a");
        PooledChannel<String> b = channel("b");
        idle.keep(a);
        idle.keep(b);
        assertEquals(2, idle.size());
        assertSame(b, idle.take());
        assertSame(a, idle.take());
        assertNull(idle.take());
        assertEquals(0, idle.size());
    }

    @Test
    void atTheFloorNoTrimIsScheduledAndAboveItOneTimerServesManyKeeps() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ZERO);
        idle.keep(channel("a"));
        idle.keep(channel("b"));
        assertEquals(ChannelPool.IDLE_FLOOR, idle.size());
        assertNull(trims.poll(200, TimeUnit.MILLISECONDS), "at the floor: no timer");
        idle.keep(channel("c"));
        idle.keep(channel("d"));
        Runnable trim = trims.poll(10, TimeUnit.SECONDS);
        assertTrue(trim != null, "a trim was scheduled above the floor");
        assertNull(trims.poll(200, TimeUnit.MILLISECONDS), "one timer at a time");
        assertEquals(List.of(), retired, "nothing is trimmed before the timer runs");
    }

    @Test
    void aTrimRetiresTheOldestAboveTheFloorAndKeepsTheMostRecent() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ZERO);
        List<PooledChannel<String>> kept = new ArrayList<>();
        for (String name : List.of("oldest", "older", "newer", "newest")) {
            PooledChannel<String> channel = channel(name);
            kept.add(channel);
            idle.keep(channel);
        }
        trims.poll(10, TimeUnit.SECONDS).run();
        assertEquals(List.of(kept.get(0), kept.get(1)), retired, "oldest first, down to the floor");
        assertEquals(ChannelPool.IDLE_FLOOR, idle.size());
        assertSame(kept.get(3), idle.take());
        assertSame(kept.get(2), idle.take());
    }

    @Test
    void channelsIdleForLessThanTheIdleTimeStayAndTheTrimIsScheduledAgain() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ofSeconds(2));
        for (String name : List.of("a", "b", "c")) {
            idle.keep(channel(name)); // the third schedules a timer, due in 2 s
        }
        idle.trim(); // now, long before any is 2 s idle
        assertEquals(List.of(), retired);
        assertEquals(3, idle.size());
        assertTrue(trims.poll(10, TimeUnit.SECONDS) != null, "the timer of the third keep");
        assertTrue(trims.poll(10, TimeUnit.SECONDS) != null, "still above the floor: the trim scheduled another");
    }

    @Test
    void aTrimRescheduledAfterItRanAndStopsOnceAtTheFloor() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ZERO);
        for (String name : List.of("a", "b", "c")) {
            idle.keep(channel(name));
        }
        trims.poll(10, TimeUnit.SECONDS).run();
        assertEquals(1, retired.size());
        idle.keep(channel("d")); // above the floor again: the flag was reset, so a new timer comes
        Runnable again = trims.poll(10, TimeUnit.SECONDS);
        assertTrue(again != null, "a new timer after the last one ran");
        again.run();
        assertEquals(2, retired.size());
        assertNull(trims.poll(200, TimeUnit.MILLISECONDS), "at the floor: no timer");
    }

    @Test
    void aRemovedChannelIsNeitherLentNorTrimmed() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ZERO);
        PooledChannel<String> shutDown = channel("shut down");
        idle.keep(shutDown);
        idle.keep(channel("b"));
        idle.keep(channel("c"));
        idle.remove(shutDown);
        assertEquals(2, idle.size());
        trims.poll(10, TimeUnit.SECONDS).run();
        assertEquals(List.of(), retired, "at the floor once the shut-down channel left");
    }

    @Test
    void closeDropsTheIdleWithoutRetiringThemStopsTrimmingAndRetiresOneKeptLater() throws Exception {
        IdleChannels<String> idle = new IdleChannels<>(retired::add, trimmer, Duration.ZERO);
        for (String name : List.of("a", "b", "c")) {
            idle.keep(channel(name));
        }
        Runnable trim = trims.poll(10, TimeUnit.SECONDS);
        idle.close();
        assertEquals(0, idle.size());
        trim.run();
        assertEquals(List.of(), retired, "dropped, not closed: their connection is being closed");
        PooledChannel<String> late = channel("late");
        idle.keep(late);
        Await.until("the late channel to be retired", WAIT, () -> retired.contains(late));
        assertEquals(0, idle.size());
        assertNull(idle.take());
    }
}
