package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.processing.invoke.HandlerDeadlines;

/**
 * The bounded stage between a source and the workers: keyed lanes, each a bounded queue with
 * one worker. A source hands each message over and returns; the message is decoded and routed
 * on the way in, and goes to the lane of its ordering key (hash modulo the lane count), or to
 * the next lane in turn when it has none. Same key, same lane: publish order is kept per key,
 * different keys run in parallel, and there is no global lock.
 * <p>
 * A full lane dead-letters the message as {@code overflow}, after waiting up to
 * {@code overflowWait} when that is positive. On stop, the workers drain what is buffered for
 * at most the drain timeout ({@link LaneDrain}); anything still buffered then is dead-lettered as
 * {@code shutdown}, or released to a source that redelivers it.
 */
public class MessageDispatcher implements SmartLifecycle {

	/** Stops after the sources (which stop first) and before the dead-letter writer. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Log logger = LogFactory.getLog(MessageDispatcher.class);

	/** A redeliverable message waits for room in its lane until the source is interrupted (stops). */
	private static final long REDELIVERABLE_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final MessagePipeline pipeline;

	private final Settlement settlement;

	private final int laneCount;

	private final int laneCapacity;

	private final String overflowDetail;

	private final long overflowWaitNanos;

	private final long stuckAfterNanos;

	private final Duration drainTimeout;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger nextLane = new AtomicInteger();

	private volatile Lane[] lanes;

	private volatile boolean accepting;

	/** Where the check for stuck workers runs: shared with the handler timeout, or the dispatcher's own. */
	private final HandlerDeadlines sharedDeadlines;

	private HandlerDeadlines ownDeadlines;

	private ScheduledFuture<?> watchdog;

	private volatile Instant lastMessageAt;

	/**
	 * Create the dispatcher.
	 * @param pipeline processes each message
	 * @param settings lane count, capacity, overflow wait, stuck threshold and drain timeout
	 */
	public MessageDispatcher(MessagePipeline pipeline, Settings settings) {
		this(pipeline, settings, null);
	}

	/**
	 * Create the dispatcher, watching for stuck workers on the handler deadlines' thread.
	 * @param pipeline processes each message
	 * @param settings lane count, capacity, overflow wait, stuck threshold and drain timeout
	 * @param deadlines the thread the check for stuck workers runs on; {@code null} for one of its own
	 */
	public MessageDispatcher(MessagePipeline pipeline, Settings settings, HandlerDeadlines deadlines) {
		this.sharedDeadlines = deadlines;
		this.pipeline = pipeline;
		this.settlement = pipeline.settlement();
		this.laneCount = settings.lanes();
		this.laneCapacity = Math.max(1, settings.capacity() / settings.lanes());
		this.overflowDetail = "lane full (" + this.laneCapacity + " messages: consumer.queue-capacity="
				+ settings.capacity() + " over " + settings.lanes() + " lanes)";
		this.overflowWaitNanos = settings.overflowWait().toNanos();
		this.stuckAfterNanos = settings.stuckAfter().toNanos();
		this.drainTimeout = settings.drainTimeout();
	}

	/**
	 * Hand a message to its lane; blocks only with a positive overflow wait and a full lane.
	 * @param message the message
	 */
	public void dispatch(InboundMessage message) {
		this.lastMessageAt = message.receivedAt();
		Lane[] current = this.lanes;
		if (current == null || !this.accepting) {
			this.settlement.refuse(message,
					Disposition.rejected(DeadLetterReason.SHUTDOWN, "received while the consumer is stopped", null));
			return;
		}
		this.pipeline.received(message);
		Delivery delivery = this.pipeline.prepare(message);
		if (delivery == null) {
			return;
		}
		Lane lane = current[laneIndex(delivery.key())];
		// A source that keeps its messages (a stream) reads no faster than the lanes take: it waits for room.
		long wait = message.redeliverable() ? REDELIVERABLE_WAIT_NANOS : this.overflowWaitNanos;
		if (!lane.offer(delivery, wait)) {
			this.settlement.unprocessed(message,
					Disposition.rejected(DeadLetterReason.OVERFLOW, this.overflowDetail, delivery.envelope()));
		}
	}

	/**
	 * Record a message that arrived but will not be handled (say, delivered too often) as rejected,
	 * without a lane.
	 * @param message the message
	 * @param reason why
	 * @param detail human-readable detail
	 */
	public void reject(InboundMessage message, DeadLetterReason reason, String detail) {
		this.lastMessageAt = message.receivedAt();
		this.pipeline.received(message);
		this.pipeline.reject(message, reason, detail);
	}

	private int laneIndex(String key) {
		int hash = (key != null) ? key.hashCode() : this.nextLane.getAndIncrement();
		return Math.floorMod(hash, this.laneCount);
	}

	/**
	 * Messages buffered and not yet taken by a worker.
	 * @return the queue depth over all lanes
	 */
	public int queueDepth() {
		Lane[] current = this.lanes;
		int depth = 0;
		if (current != null) {
			for (Lane lane : current) {
				depth += lane.depth();
			}
		}
		return depth;
	}

	/**
	 * Messages a worker is processing now.
	 * @return the in-flight count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * When the last message arrived.
	 * @return the instant, or {@code null} before the first message
	 */
	public Instant lastMessageAt() {
		return this.lastMessageAt;
	}

	@Override
	public synchronized void start() {
		if (this.lanes != null) {
			return;
		}
		Lane[] created = new Lane[this.laneCount];
		for (int i = 0; i < created.length; i++) {
			created[i] = new Lane("lane-" + (i + 1), this.laneCapacity, this.pipeline, this.inFlight);
			created[i].start();
		}
		this.lanes = created;
		this.accepting = true;
		HandlerDeadlines deadlines = this.sharedDeadlines;
		if (deadlines == null) {
			deadlines = this.ownDeadlines = new HandlerDeadlines(Duration.ofNanos(this.stuckAfterNanos));
		}
		this.watchdog = deadlines.checkEvery(Duration.ofSeconds(1), this::abandonStuckHandlers);
	}

	private void abandonStuckHandlers() {
		Lane[] current = this.lanes;
		if (current != null) {
			long now = System.nanoTime();
			for (Lane lane : current) {
				lane.abandonIfStuck(this.stuckAfterNanos, now);
			}
		}
	}

	@Override
	public synchronized void stop() {
		Lane[] current = this.lanes;
		if (current == null) {
			return;
		}
		this.accepting = false;
		LaneDrain.drain(current, this.inFlight.get(), this.drainTimeout, this.settlement);
		this.watchdog.cancel(false);
		if (this.ownDeadlines != null) {
			this.ownDeadlines.close();
			this.ownDeadlines = null;
		}
		this.lanes = null;
	}

	@Override
	public boolean isRunning() {
		return this.lanes != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * How the dispatcher is sized and bounded.
	 *
	 * @param lanes number of lanes, one worker each
	 * @param capacity messages buffered over all lanes
	 * @param overflowWait how long a source may wait for room in a full lane; zero to dead-letter at once
	 * @param stuckAfter a handler attempt running longer than this is abandoned as failed and its lane moves on
	 * @param drainTimeout how long buffered messages may take to finish on stop
	 */
	public record Settings(int lanes, int capacity, Duration overflowWait, Duration stuckAfter,
			Duration drainTimeout) {
	}

}
