package io.tdx.worker;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Passes objects by reference between verticles of this process (jobs and their outcomes,
 * service sets): jobs carry streams and none of these is meant to leave the JVM.
 */
public final class LocalCodec extends PassThroughCodec {
  public static final String NAME = "tdx-local";

  private LocalCodec() {
    super(NAME);
  }

  public static void register(Vertx vertx) {
    register(vertx, new LocalCodec());
  }

  public static DeliveryOptions options(long timeoutMillis) {
    return new DeliveryOptions().setCodecName(NAME).setLocalOnly(true).setSendTimeout(timeoutMillis);
  }

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException("TDX jobs stay in this process");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("TDX jobs stay in this process");
  }
}
