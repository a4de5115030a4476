package io.messageconsumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceProcess;
import io.messageconsumer.support.ServiceProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The least-privilege ACL users of docs/redis-access.md against a Redis whose {@code default} user is off:
 * as the pub/sub user (with shard channels too), and as the stream user, the packaged service consumes, stores orders,
 * writes dead letters and is healthy, Redis refuses it nothing but the one optional command
 * ({@code CONFIG GET}, asked once), and the same user cannot {@code FLUSHALL} or {@code CONFIG SET}.
 */
@OwnRedisServer(config = { "user default off", "user admin on >" + RedisAclIntegrationTests.ADMIN_PASSWORD + " ~* &* +@all",
		"user consumer-pubsub on >pubsub-secret " + RedisAclIntegrationTests.PUBSUB_RULES,
		"user consumer-stream on >stream-secret " + RedisAclIntegrationTests.STREAM_RULES,
		"user consumer-shard on >shard-secret " + RedisAclIntegrationTests.PUBSUB_RULES + " &shard-orders "
				+ RedisAclIntegrationTests.SHARD_RULES })
class RedisAclIntegrationTests {

	/** The documented pub/sub user, as {@code ACL SETUSER} arguments after the user name and password. */
	static final String PUBSUB_RULES = "resetchannels &orders &notifications &consumer:canary:* resetkeys ~orders:* "
			+ "~consumer:dead-letter -@all +subscribe +psubscribe +unsubscribe +punsubscribe +ping +publish "
			+ "+client|list +info +eval +exists +hset +xadd +xlen";

	/** What the pub/sub user needs more for {@code consumer.shard-channels}, beside a {@code &} grant per shard channel. */
	static final String SHARD_RULES = "+ssubscribe +sunsubscribe +spublish";

	/** The documented stream user. */
	static final String STREAM_RULES = "resetchannels resetkeys ~orders-stream ~notifications-stream ~orders:* "
			+ "~consumer:dead-letter -@all +xgroup|create +xreadgroup +xack +xautoclaim +xclaim +xpending "
			+ "+xinfo|groups +xinfo|consumers +xgroup|delconsumer +info +eval +exists +hset +xadd +xlen";

	static final String ADMIN_PASSWORD = "admin-secret";

	private static RedisServerProcess redisServer;

	@RegisterExtension
	final ServiceProcesses services = new ServiceProcesses();

	private ServiceProcess service;

	@Test
	void docsDocumentTheTestedAclLines() throws IOException {
		String readme = Files.readString(Path.of("docs/redis-access.md"));
		assertThat(readme).contains("ACL SETUSER message-consumer on >secret " + PUBSUB_RULES)
			.contains("ACL SETUSER message-consumer on >secret " + STREAM_RULES)
			.contains(SHARD_RULES + " &orders-eu &orders-us");
	}

	@Test
	void defaultUserIsOff() {
		assertThat(cli("default", null, "PING")).startsWith("NOAUTH");
	}

	@Test
	void pubSubConsumerNeedsNoMoreThanItsAclLine() throws IOException {
		this.service = this.services.start("--spring.data.redis.url=redis://consumer-pubsub:pubsub-secret@127.0.0.1:"
				+ redisServer.port(), "--consumer.health.canary-interval=1s");
		awaitReady();
		String id = "acl-pubsub-" + UUID.randomUUID();
		assertThat(admin("PUBLISH", "orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}")).isEqualTo("1");
		assertThat(admin("PUBLISH", "notifications", "{\"type\":\"notification\",\"message\":\"hi\"}")).isEqualTo("1");
		assertThat(admin("PUBLISH", "orders", "not json " + id)).isEqualTo("1");
		await().atMost(Duration.ofSeconds(10)).until(() -> "received".equals(admin("HGET", "orders:" + id, "status")));
		await().atMost(Duration.ofSeconds(10)).until(() -> admin("XRANGE", "consumer:dead-letter", "-", "+").contains(id));
		for (int i = 0; i < 5; i++) {
			// Health probes read the output-buffer limit: CONFIG GET is denied, and asked only once.
			assertHealthUp();
		}
		List<String> denied = deniedCommands("consumer-pubsub");
		System.out.println("ACL denials for the pub/sub user: " + denied);
		assertThat(denied).as("only the optional CONFIG GET, asked once").containsExactly("config|get x1");
		assertThat(this.service.log().lines().filter((line) -> line.contains("Redis denies CONFIG GET")).count())
			.isEqualTo(1);
		assertThat(Http.get(this.service.port(), "/actuator/health/consumer").body())
			.contains("\"outputBufferSoftLimitBytes\":8388608");
		assertCannotFlushOrReconfigure("consumer-pubsub", "pubsub-secret");
	}

	@Test
	void shardChannelConsumerNeedsNoMoreThanThePubSubLineAndTheShardGrants() throws IOException {
		this.service = this.services.start("--spring.data.redis.url=redis://consumer-shard:shard-secret@127.0.0.1:"
				+ redisServer.port(), "--consumer.shard-channels=shard-orders", "--consumer.health.canary-interval=1s");
		awaitReady();
		String id = "acl-shard-" + UUID.randomUUID();
		assertThat(admin("SPUBLISH", "shard-orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}")).isEqualTo("1");
		await().atMost(Duration.ofSeconds(10)).until(() -> "received".equals(admin("HGET", "orders:" + id, "status")));
		// Shard canaries come back (SPUBLISH) once a second; health asks CLIENT LIST for the shard subscription.
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(this.service.health("consumer")));
		List<String> denied = deniedCommands("consumer-shard");
		System.out.println("ACL denials for the shard user: " + denied);
		assertThat(denied).as("only the optional CONFIG GET, asked once").containsExactly("config|get x1");
		assertCannotFlushOrReconfigure("consumer-shard", "shard-secret");
	}

	@Test
	void streamConsumerNeedsNoMoreThanItsAclLine() throws IOException {
		// An entry left pending by a replica that died: claimed (XAUTOCLAIM, XPENDING), then the idle
		// replica is removed from the group (XINFO CONSUMERS, XGROUP DELCONSUMER).
		String claimedId = "acl-claimed-" + UUID.randomUUID();
		assertThat(admin("XGROUP", "CREATE", "orders-stream", "message-consumer", "0", "MKSTREAM")).isEqualTo("OK");
		admin("XADD", "orders-stream", "*", "payload", "{\"type\":\"order\",\"id\":\"" + claimedId + "\"}");
		assertThat(admin("XREADGROUP", "GROUP", "message-consumer", "dead-replica", "STREAMS", "orders-stream", ">"))
			.contains(claimedId);
		this.service = this.services.start("--spring.data.redis.url=redis://consumer-stream:stream-secret@127.0.0.1:"
				+ redisServer.port(), "--consumer.mode=stream", "--consumer.streams.claim-min-idle=1s");
		awaitReady();
		String id = "acl-stream-" + UUID.randomUUID();
		admin("XADD", "orders-stream", "*", "payload", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		admin("XADD", "notifications-stream", "*", "payload", "{\"type\":\"notification\",\"message\":\"hi\"}");
		admin("XADD", "orders-stream", "*", "payload", "not json " + id);
		await().atMost(Duration.ofSeconds(10)).until(() -> "received".equals(admin("HGET", "orders:" + id, "status")));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "received".equals(admin("HGET", "orders:" + claimedId, "status")));
		await().atMost(Duration.ofSeconds(10)).until(() -> admin("XRANGE", "consumer:dead-letter", "-", "+").contains(id));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> !admin("XINFO", "CONSUMERS", "orders-stream", "message-consumer").contains("dead-replica"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> admin("XINFO", "GROUPS", "orders-stream").replace("\n", " ").contains("pending 0"));
		// The default BLOCK (2 s) equals the default command timeout (2 s): reads must not time out.
		await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(this.service.health("consumer")));
		assertThat(this.service.log()).doesNotContain("timed out");
		assertHealthUp();
		List<String> denied = deniedCommands("consumer-stream");
		System.out.println("ACL denials for the stream user: " + denied);
		assertThat(denied).isEmpty();
		assertCannotFlushOrReconfigure("consumer-stream", "stream-secret");
	}

	private void awaitReady() {
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(this.service.health("readiness")));
	}

	private void assertHealthUp() {
		Http.Response health = Http.get(this.service.port(), "/actuator/health");
		assertThat(health.status()).as(health.body()).isEqualTo(200);
		assertThat(health.healthStatus()).isEqualTo("UP");
	}

	private static void assertCannotFlushOrReconfigure(String user, String password) {
		assertThat(cli(user, password, "FLUSHALL")).startsWith("NOPERM");
		assertThat(cli(user, password, "CONFIG", "SET", "maxmemory", "1mb")).startsWith("NOPERM");
		assertThat(cli(user, password, "CONFIG", "GET", "requirepass")).startsWith("NOPERM");
		assertThat(cli(user, password, "KEYS", "*")).startsWith("NOPERM");
		assertThat(cli(user, password, "DEL", "unrelated-key")).startsWith("NOPERM");
	}

	/**
	 * The commands Redis refused to this user, from {@code ACL LOG}, each with how often
	 * ({@code config|get x1}).
	 */
	private static List<String> deniedCommands(String user) {
		List<String> lines = admin("ACL", "LOG").lines().toList();
		List<String> denied = new ArrayList<>();
		String object = null;
		String count = null;
		for (int i = 0; i + 1 < lines.size(); i++) {
			if (lines.get(i).equals("count")) {
				count = lines.get(i + 1);
				object = null;
			}
			else if (lines.get(i).equals("object")) {
				object = lines.get(i + 1);
			}
			else if (lines.get(i).equals("username") && lines.get(i + 1).equals(user)) {
				denied.add(object + " x" + count);
			}
		}
		return denied;
	}

	private static String admin(String... command) {
		return cli("admin", ADMIN_PASSWORD, command);
	}

	private static String cli(String user, String password, String... command) {
		List<String> arguments = new ArrayList<>();
		if (password != null) {
			arguments.addAll(List.of("--user", user, "--pass", password, "--no-auth-warning"));
		}
		arguments.addAll(List.of(command));
		return redisServer.cli(arguments.toArray(new String[0]));
	}

}
