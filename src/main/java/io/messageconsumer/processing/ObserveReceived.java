package io.messageconsumer.processing;

/** Admission step: tells the observers a message arrived, before anything else is done with it. */
final class ObserveReceived implements Step<Arrival> {

	private final Observers observers;

	ObserveReceived(Observers observers) {
		this.observers = observers;
	}

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		this.observers.onReceived(arrival.message);
		next.proceed(arrival);
	}

}
