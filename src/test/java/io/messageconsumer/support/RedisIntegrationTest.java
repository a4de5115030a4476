package io.messageconsumer.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A full application test on a random port against a real Redis: a Testcontainers Redis
 * where a Docker engine runs, otherwise a {@code redis-server} process of its own. Never skips.
 * The test injects the service as a {@link ServiceUnderTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({ TestRedisConfiguration.class, ServiceUnderTest.class })
public @interface RedisIntegrationTest {
}
