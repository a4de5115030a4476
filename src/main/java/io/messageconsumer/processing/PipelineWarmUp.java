package io.messageconsumer.processing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.decode.PayloadBinder;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.Envelope;

/**
 * Warms the pipeline up before the first subscription or read: synthetic messages of every
 * handled type through decoding, routing, binding and validation, but no handler and no
 * listener, so that the JIT has compiled that path before the first real burst arrives (a cold
 * consumer reads several times slower, and a pub/sub burst does not wait for it). Every source
 * runs it before it starts consuming; it runs once, whichever source comes first. The pub/sub
 * source sends the same messages through Redis instead ({@link #bodies}, {@link #warm}), so that
 * the client's and the listener's path gets warm too, and falls back to this one.
 */
public final class PipelineWarmUp {

	private static final Log logger = LogFactory.getLog(PipelineWarmUp.class);

	/** Messages of each type the sources' warm-up runs. */
	static final int MESSAGES_PER_TYPE = 20_000;

	private final EnvelopeDecoder decoder;

	private final MessageRouter router;

	private final PayloadBinder binder;

	private final AtomicBoolean done = new AtomicBoolean();

	PipelineWarmUp(EnvelopeDecoder decoder, MessageRouter router, PayloadBinder binder) {
		this.decoder = decoder;
		this.router = router;
		this.binder = binder;
	}

	/** Warm up, unless done already, and log how long it took. */
	public void runOnce() {
		if (this.done.compareAndSet(false, true)) {
			long started = System.nanoTime();
			int messages = run(MESSAGES_PER_TYPE);
			logger.info("Pipeline warmed up with " + messages + " synthetic messages in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		}
	}

	/**
	 * Run synthetic messages through the pipeline.
	 * @param messagesPerType how many messages of each type
	 * @return how many messages ran
	 */
	public int run(int messagesPerType) {
		List<byte[]> bodies = bodies(messagesPerType);
		bodies.forEach(this::warm);
		return bodies.size();
	}

	/**
	 * The synthetic messages of a warm-up, {@value #MESSAGES_PER_TYPE} of each handled type.
	 * @return their bodies
	 */
	public List<byte[]> bodies() {
		return bodies(MESSAGES_PER_TYPE);
	}

	/**
	 * The synthetic messages: for each handled type in turn, an envelope with an id and a time.
	 * @param messagesPerType how many messages of each type
	 * @return their bodies
	 */
	public List<byte[]> bodies(int messagesPerType) {
		List<byte[]> bodies = new ArrayList<>();
		for (String type : this.router.types()) {
			for (int i = 0; i < messagesPerType; i++) {
				bodies.add(("{\"type\":\"" + type + "\",\"id\":\"warm-up-" + i
						+ "\",\"time\":\"2026-01-01T00:00:00.000001Z\"}").getBytes(StandardCharsets.UTF_8));
			}
		}
		return bodies;
	}

	/**
	 * Decode, route, bind and validate one message, never handling it; a message the pipeline would
	 * reject warms the rejection path instead.
	 * @param body the message
	 */
	public void warm(byte[] body) {
		try {
			Envelope envelope = this.decoder.decode(body);
			MessageHandler<Object> handler = this.router.route(envelope.type());
			if (handler.orderingKey() != null) {
				this.decoder.payloadMemberText(envelope, handler.orderingKey());
			}
			this.binder.bind(envelope, handler.payloadType());
		}
		catch (RuntimeException ex) {
			// a type whose payload needs more than an id: the rejection path gets warm instead
		}
	}

}
