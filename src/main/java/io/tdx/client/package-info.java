/**
 * A Java client of the TDX server: single imports and exports, and transactions with either
 * protocol, without writing protocol code.
 *
 * <p>{@link io.tdx.client.TdxClient} is the entry point (Vert.x futures, one connection pool,
 * non-blocking); {@link io.tdx.client.ReactorTdxClient} gives its calls as Reactor publishers.
 * What goes in: {@link io.tdx.client.CsvSource}, {@link io.tdx.client.CsvTarget},
 * {@link io.tdx.client.ImportSettings}, {@link io.tdx.client.PartSpec}. What comes back:
 * {@link io.tdx.client.ImportOutcome} with {@link io.tdx.client.RejectedRow}s,
 * {@link io.tdx.client.ExportOutcome}, {@link io.tdx.client.TxnOutcome}, or a
 * {@link io.tdx.client.TdxException}. The command line ({@code java -jar tdx.jar import|export|txn|batch})
 * is built on it.
 */
package io.tdx.client;
