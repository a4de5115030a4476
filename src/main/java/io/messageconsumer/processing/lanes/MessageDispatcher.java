package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.SmartLifecycle;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.processing.invoke.HandlerDeadlines;

/**
 * The one entry of the pipeline: a source hands each message over ({@link #dispatch}) and returns,
 * a replay hands one over and waits for its outcome ({@link #submit}); the dispatcher runs the
 * pipeline's {@link Stages} in order. The message is admitted (observed, decoded, routed) on the
 * way in, and goes to the lane of its ordering key (hash modulo the lane count), or to the next
 * lane in turn when it has none: keyed lanes, each a bounded queue with one worker. Same key,
 * same lane: publish order is kept per key, different keys run in parallel, and there is no
 * global lock.
 * <p>
 * A full lane dead-letters the message as {@code overflow}, after waiting up to
 * {@code overflowWait} when that is positive. On stop, the workers drain what is buffered for
 * at most the drain timeout ({@link LaneDrain}); anything still buffered then is dead-lettered as
 * {@code shutdown}, or released to a source that redelivers it.
 */
public class MessageDispatcher implements SmartLifecycle {

	/** Stops after the sources (which stop first) and before the dead-letter writer. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	/** A message a source redelivers, or whose caller waits for it, waits for room until interrupted or stopped. */
	private static final long REDELIVERABLE_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final Stages stages;

	private final Settlement settlement;

	private final int laneCount;

	private final int laneCapacity;

	private final String overflowDetail;

	private final long overflowWaitNanos;

	private final Duration drainTimeout;

	private final StuckWorkers stuckWorkers;

	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile Lanes lanes;

	private volatile boolean accepting;

	private volatile Instant lastMessageAt;

	/**
	 * Create the dispatcher, watching for stuck workers on the handler deadlines' thread; see
	 * {@link io.messageconsumer.processing.MessagePipeline#dispatcher}.
	 * @param stages the pipeline's steps
	 * @param settings lane count, capacity, overflow wait, stuck threshold and drain timeout
	 * @param deadlines the thread the check for stuck workers runs on; {@code null} for one of its own
	 */
	public MessageDispatcher(Stages stages, Settings settings, HandlerDeadlines deadlines) {
		this.stages = stages;
		this.settlement = stages.settlement();
		this.laneCount = settings.lanes();
		this.laneCapacity = Math.max(1, settings.capacity() / settings.lanes());
		this.overflowDetail = "lane full (" + this.laneCapacity + " messages: consumer.queue-capacity="
				+ settings.capacity() + " over " + settings.lanes() + " lanes)";
		this.overflowWaitNanos = settings.overflowWait().toNanos();
		this.drainTimeout = settings.drainTimeout();
		this.stuckWorkers = new StuckWorkers(settings.stuckAfter(), deadlines);
	}

	/**
	 * Hand a message over to be run to its outcome; blocks only with a positive overflow wait and
	 * a full lane (a source that redelivers waits for room).
	 * @param message the message
	 */
	public void dispatch(InboundMessage message) {
		hand(message, null, message.acknowledgement().redelivers());
	}

	/**
	 * Hand a message over to be run to its outcome, waiting for room in its lane: for a caller
	 * that waits for the outcome (a replay).
	 * @param message the message
	 * @return completed with the message's outcome once it is settled
	 */
	public CompletableFuture<Disposition> submit(InboundMessage message) {
		CompletableFuture<Disposition> settled = new CompletableFuture<>();
		hand(message, settled, true);
		return settled;
	}

	private void hand(InboundMessage message, CompletableFuture<Disposition> settled, boolean waitForRoom) {
		this.lastMessageAt = message.receivedAt();
		Lanes current = this.lanes;
		if (current == null || !this.accepting) {
			this.settlement.refuse(message,
					Disposition.rejected(DeadLetterReason.SHUTDOWN, "received while the consumer is stopped", null),
					settled);
			return;
		}
		Delivery delivery = this.stages.admit(message, settled);
		if (delivery == null) {
			return;
		}
		Lane lane = current.laneFor(delivery.key());
		// A source that keeps its messages (a stream) reads no faster than the lanes take: it waits for room.
		if (!lane.offer(delivery, waitForRoom ? REDELIVERABLE_WAIT_NANOS : this.overflowWaitNanos)) {
			this.settlement.unprocessed(message,
					Disposition.rejected(DeadLetterReason.OVERFLOW, this.overflowDetail, delivery.envelope()), settled,
					delivery.trace());
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
		this.stages.reject(message, reason, detail);
	}

	/**
	 * Messages buffered and not yet taken by a worker.
	 * @return the queue depth over all lanes
	 */
	public int queueDepth() {
		Lanes current = this.lanes;
		return (current != null) ? current.depth() : 0;
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
		Lanes created = new Lanes(this.laneCount, this.laneCapacity, this.stages, this.inFlight);
		this.lanes = created;
		this.accepting = true;
		this.stuckWorkers.watch(created);
	}

	@Override
	public synchronized void stop() {
		Lanes current = this.lanes;
		if (current == null) {
			return;
		}
		this.accepting = false;
		current.drain(this.drainTimeout, this.settlement);
		this.stuckWorkers.stop();
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
