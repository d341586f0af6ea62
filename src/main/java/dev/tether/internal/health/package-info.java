/** Tether's MicroProfile Health readiness check: private API, no compatibility promise. */
package dev.tether.internal.health;
