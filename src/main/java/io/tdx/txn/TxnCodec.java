package io.tdx.txn;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.tdx.worker.PassThroughCodec;
import io.vertx.core.json.JsonObject;

/**
 * The wire form of {@link TxnRequest} and {@link TxnReply} between the nodes of a cluster:
 * {@code [int version][int length][JSON][int length or -1][bytes]}. A node that receives
 * another version fails the request (the sender hears it as a recipient failure) rather than
 * guess. Within one process a message is passed as it is: both are immutable values.
 */
public final class TxnCodec extends PassThroughCodec {
  public static final String NAME = "tdx-txn";
  /** The version of the contracts in {@link TxnRequest} and {@link TxnReply}. */
  public static final int VERSION = 2;
  /**
   * A request's header naming the principal it is made for: a transaction of another principal
   * answers as unknown. Absent when the caller may see every transaction.
   */
  public static final String CALLER = "tdx-caller";

  private TxnCodec() {
    super(NAME);
  }

  public static void register(Vertx vertx) {
    register(vertx, new TxnCodec());
  }

  /** Delivery with this codec and a bound on the wait for the answer. */
  public static DeliveryOptions options(long timeoutMillis) {
    return new DeliveryOptions().setCodecName(NAME).setSendTimeout(timeoutMillis);
  }

  @Override
  public void encodeToWire(Buffer buffer, Object message) {
    JsonObject json;
    Buffer data;
    if (message instanceof TxnRequest request) {
      json = new JsonObject().put("request", request.toJson());
      data = request.data();
    } else if (message instanceof TxnReply reply) {
      json = new JsonObject().put("reply", reply.toJson());
      data = reply.data();
    } else {
      throw new IllegalArgumentException("not a TDX message: " + message.getClass().getName());
    }
    Buffer text = json.toBuffer();
    buffer.appendInt(VERSION).appendInt(text.length()).appendBuffer(text);
    if (data == null) {
      buffer.appendInt(-1);
    } else {
      buffer.appendInt(data.length()).appendBuffer(data);
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    int version = buffer.getInt(pos);
    if (version != VERSION) {
      throw new IllegalStateException("a TDX message of contract version " + version + "; this node speaks version " + VERSION);
    }
    int length = buffer.getInt(pos + 4);
    JsonObject json = new JsonObject(buffer.getBuffer(pos + 8, pos + 8 + length));
    int at = pos + 8 + length;
    int dataLength = buffer.getInt(at);
    Buffer data = dataLength < 0 ? null : buffer.getBuffer(at + 4, at + 4 + dataLength);
    JsonObject request = json.getJsonObject("request");
    return request != null ? TxnRequest.fromJson(request, data) : TxnReply.fromJson(json.getJsonObject("reply"), data);
  }
}
