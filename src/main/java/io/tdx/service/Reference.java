package io.tdx.service;

/**
 * A column whose values must be keys of another service's table (LogicBlox's entities).
 *
 * @param service the prefix of the referenced service
 * @param accumulate whether a missing key is created in the referenced table ({@code accumulate})
 *                   rather than the row rejected ({@code reject})
 */
public record Reference(String service, boolean accumulate) {
}
