/** Reading Tether's MicroProfile Config keys: private API, no compatibility promise. */
package dev.tether.internal.config;
