package io.tdx.worker;

/** A job's reply on the event bus: its value, or the failure it ended with. */
public record JobOutcome(Object value, Throwable failure) {
}
