package io.messageconsumer.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A full application test on a random port against a {@code redis-server} of the test class's
 * own ({@link OwnRedisServer}), for tests that kill, pause, restart or reconfigure it: the
 * context is dirtied after the class, so it closes before the server stops. The test injects the
 * service as a {@link ServiceUnderTest}, and the server through a field of type
 * {@link RedisServerProcess}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceUnderTest.class)
@DirtiesContext
@OwnRedisServer
public @interface OwnRedisServiceTest {

	/**
	 * Further {@code redis-server} arguments.
	 * @return the arguments
	 * @see OwnRedisServer#arguments()
	 */
	@AliasFor(annotation = OwnRedisServer.class)
	String[] arguments() default {};

	/**
	 * Lines of a configuration file for the server.
	 * @return the lines
	 * @see OwnRedisServer#config()
	 */
	@AliasFor(annotation = OwnRedisServer.class)
	String[] config() default {};

	/**
	 * Whether the server is running when the tests begin.
	 * @return {@code true} by default
	 * @see OwnRedisServer#running()
	 */
	@AliasFor(annotation = OwnRedisServer.class)
	boolean running() default true;

}
