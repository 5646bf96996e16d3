/**
 * A key management service that holds the master key and wraps and unwraps key-encryption keys with it.
 * The master key itself never leaves the provider.
 */
export interface KmsProvider {
  /** Human-readable kind, e.g. `local-file`, for the administrator's key status. */
  readonly kind: string;
  /** Id of the master key that `wrap` uses now. */
  readonly masterKeyId: string;
  wrap(key: Buffer, context: string): Promise<Buffer>;
  /** @throws {Error} when `masterKeyId` is unknown or the wrapped key was altered. */
  unwrap(masterKeyId: string, wrapped: Buffer, context: string): Promise<Buffer>;
}
