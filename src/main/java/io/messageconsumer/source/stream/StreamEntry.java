package io.messageconsumer.source.stream;

import io.messageconsumer.message.Acknowledgement;

/**
 * One entry read from a stream, on its way through the pipeline: acknowledged in a batch once its
 * outcome is recorded, or released (left pending, to be claimed again) when it was not processed.
 */
final class StreamEntry implements Acknowledgement {

	private final InProgressEntries entries;

	private final String id;

	StreamEntry(InProgressEntries entries, String id) {
		this.entries = entries;
		this.id = id;
	}

	InProgressEntries entries() {
		return this.entries;
	}

	String id() {
		return this.id;
	}

	@Override
	public void acknowledge() {
		this.entries.acknowledger().add(this);
	}

	@Override
	public void release() {
		this.entries.finished(this.id);
	}

}
