package io.messageconsumer.processing.lanes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import io.messageconsumer.handler.BatchMessageHandler;

/**
 * Collects a batch for a {@link BatchMessageHandler}: the first attempts of that handler waiting
 * right behind the first one, up to its batch size, without waiting for more. Held messages stay
 * held, and the first message of another handler goes back to the head of the line.
 */
final class BatchCollector {

	private final BlockingQueue<Work> queue;

	private final KeyedRetryQueue retries;

	BatchCollector(BlockingQueue<Work> queue, KeyedRetryQueue retries) {
		this.queue = queue;
		this.retries = retries;
	}

	/** A first attempt at a batch handler starts a batch; a retry runs on its own. */
	static boolean startsBatch(Work work) {
		return work.delivery.handler() instanceof BatchMessageHandler<?> && work.delivery.attempt() == 1;
	}

	/**
	 * The batch that starts with {@code first}.
	 * @param first a work that {@linkplain #startsBatch starts a batch}
	 * @return {@code first} and what joined it, in arrival order
	 */
	List<Work> collect(Work first) {
		int max = ((BatchMessageHandler<?>) first.delivery.handler()).maxBatchSize();
		List<Work> batch = new ArrayList<>(Math.min(max, 64));
		batch.add(first);
		while (batch.size() < max) {
			Work more = pollNow();
			if (more == null) {
				break;
			}
			if (this.retries.holdBehindRetry(more)) {
				continue;
			}
			if (more.delivery.handler() != first.delivery.handler()) {
				this.retries.pushFront(more);
				break;
			}
			batch.add(more);
		}
		return batch;
	}

	private Work pollNow() {
		Work ready = this.retries.pollReady();
		if (ready != null) {
			return ready;
		}
		Work next = this.queue.poll();
		return (next != Work.WAKE) ? next : this.queue.poll();
	}

}
