package io.tdx.worker;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageCodec;

/**
 * A codec whose messages are passed as they are within the process (immutable values, or objects
 * handed over for good); what leaves the process is its subclass's choice.
 */
public abstract class PassThroughCodec implements MessageCodec<Object, Object> {
  private final String name;

  protected PassThroughCodec(String name) {
    this.name = name;
  }

  /** Registers the codec with the instance's event bus, unless another TDX server in it did. */
  protected static void register(Vertx vertx, PassThroughCodec codec) {
    try {
      vertx.eventBus().registerCodec(codec);
    } catch (IllegalStateException alreadyRegistered) {
      // another TDX server in this Vert.x instance registered it
    }
  }

  @Override
  public Object transform(Object message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
