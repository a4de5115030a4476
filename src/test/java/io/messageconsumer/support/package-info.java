/**
 * Test support: a real Redis for integration tests (a Testcontainers container where Docker
 * runs, otherwise a {@code redis-server} process; a {@code redis-server} of a test class's own,
 * {@link io.messageconsumer.support.OwnRedisServer}; a three-master Cluster and a Sentinel set-up
 * from such processes), the service started as its own JVM, and
 * small clients for Redis and the actuator endpoints.
 */
package io.messageconsumer.support;
