/**
 * Tether's implementation: private API, no compatibility promise. Use {@link dev.tether} instead.
 */
package dev.tether.internal;
