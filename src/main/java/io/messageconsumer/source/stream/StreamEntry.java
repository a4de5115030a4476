package io.messageconsumer.source.stream;

import io.messageconsumer.message.Acknowledgement;

/**
 * One entry read from a stream, on its way through the pipeline: acknowledged in a batch once its
 * outcome is recorded, or released (left pending, to be claimed again) when it was not processed.
 */
final class StreamEntry implements Acknowledgement {

	private final StreamReader reader;

	private final String id;

	StreamEntry(StreamReader reader, String id) {
		this.reader = reader;
		this.id = id;
	}

	StreamReader reader() {
		return this.reader;
	}

	String id() {
		return this.id;
	}

	@Override
	public void acknowledge() {
		this.reader.acknowledger().add(this);
	}

	@Override
	public void release() {
		this.reader.finished(this.id);
	}

}
