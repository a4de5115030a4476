package io.messageconsumer.processing;

/** Admission step: tells the observers a message arrived, before anything else is done with it. */
record ObserveReceived(Observers observers) implements Step<Arrival> {

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		this.observers.onReceived(arrival.message);
		next.proceed(arrival);
	}

}
