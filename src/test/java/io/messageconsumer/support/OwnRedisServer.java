package io.messageconsumer.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.context.ContextCustomizerFactories;

/**
 * A {@code redis-server} of the test class's own, for tests that kill, restart, pause or
 * reconfigure their Redis: started once before the class's first test, on a free port, and
 * stopped after its last (after a Spring test's context is closed, when that context is dirtied
 * after the class, as {@code @DirtiesContext} does).
 * <p>
 * The server, a {@link RedisServerProcess}, reaches the test through any non-final field of that
 * type (a static one before {@code @BeforeAll} methods run) or a parameter of that type. In a
 * Spring test it also becomes {@code spring.data.redis.url}, and the application context is
 * keyed by the test class, so no other class is handed a cached context whose server has
 * stopped. Tests that share one Redis use {@link RedisIntegrationTest} instead.
 *
 * @see OwnRedisServerExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(OwnRedisServerExtension.class)
@ContextCustomizerFactories(OwnRedisServerContextCustomizerFactory.class)
public @interface OwnRedisServer {

	/**
	 * Further {@code redis-server} arguments, each its own element, e.g.
	 * {@code {"--appendonly", "yes"}} or {@code {"--requirepass", "secret"}}.
	 * @return the arguments
	 */
	String[] arguments() default {};

	/**
	 * Lines of a configuration file for the server, e.g. ACL users.
	 * @return the lines, none by default
	 */
	String[] config() default {};

	/**
	 * Whether the server is running when the tests begin; {@code false} starts it once, to
	 * hold its port and directory, and stops it again, for a test that brings it up itself
	 * with {@link RedisServerProcess#restart()}.
	 * @return {@code true} by default
	 */
	boolean running() default true;

}
