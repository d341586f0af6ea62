package dev.tether.internal.metrics;

/** The sizes of one channel pool, read without locking when metrics are collected. */
public interface PoolStats {

    /** @return the most channels lent at once ({@code channels.max}) */
    int max();

    /** @return how many channels are lent now */
    int lent();

    /** @return how many channels wait idle in the pool */
    int idle();

    /** @return how many borrowers wait for a free channel now (an estimate) */
    int waiting();
}
