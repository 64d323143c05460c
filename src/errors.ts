/**
 * Typed errors. Every error the project raises on purpose is a DesError with a stable code, a
 * message for people, and structured details for programs. Codes are grouped by stage; the CLI maps
 * them to exit codes (usage errors → 2, everything else → 1).
 */

export const ERROR_CODES = {
  // input files and flags
  USAGE: "usage error",
  FILE_NOT_FOUND: "file not found",
  INVALID_JSON: "file is not valid JSON",
  INVALID_BLOCK: "block does not match the schema",
  UNSIGNED_BLOCK: "block is unsigned (analysis only)",
  // transaction rejections (native execution)
  BAD_SIGNATURE: "bad signature",
  BAD_NONCE: "wrong or replayed nonce",
  NONCE_OVERFLOW: "nonce would overflow u64",
  OVERDRAFT: "amount exceeds sender balance",
  BALANCE_OVERFLOW: "receiver balance would overflow u64",
  UNKNOWN_SENDER: "sender account does not exist or has no public key",
  DUPLICATE_TX: "duplicate transaction",
  // state
  KEY_OUT_OF_RANGE: "account key does not fit the tree depth",
  // columns
  DISJOINTNESS_VIOLATION: "two columns touch the same state key",
  COLUMN_CAPACITY: "a column exceeds its capacity",
  TOO_MANY_COLUMNS: "the block needs more columns than allowed",
  // circuits and witnesses
  PROFILE_MISMATCH: "the block does not fit the circuit profile",
  WITNESS_MISMATCH: "a witness disagrees with native execution",
  WITNESS_FAILED: "a witness generator rejected its input (a failed constraint or assert)",
  // proving and verification
  BLOCK_FAULT: "a transaction makes its column invalid (fault of the block's builder)",
  PROVER_FAULT: "a prover failed or timed out (fault of the prover, not of the block)",
  INVALID_BUNDLE: "proof bundle does not match the schema",
  VERIFICATION_FAILED: "verification failed",
  INVALID_VKEY: "verification key does not match the schema (snarkjs Groth16, BN254, one public input)",
  INVALID_MANIFEST: "trusted-keys manifest is malformed or a key's sha256 is not its own",
  UNSAFE_REDIS: "Redis may evict keys (maxmemory-policy is not noeviction): BullMQ would lose jobs",
  REDIS_UNREACHABLE: "Redis does not answer at the given URL",
  CHAIN_MISMATCH: "the block does not extend the given parent block proof",
  // trusted setup
  INVALID_R1CS: "r1cs file is malformed",
  INVALID_ZKEY: "proving key file is corrupted or truncated",
  INVALID_WTNS: "witness file is corrupted or truncated",
  INVALID_PTAU: "powers-of-tau file is unusable",
  SETUP_FAILED: "trusted setup failed",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DesError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "DesError";
    this.code = code;
    this.details = details;
  }

  /** Exit code for the CLI: 2 for usage errors, 1 for everything else. */
  get exitCode(): number {
    return this.code === "USAGE" ? 2 : 1;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** The one factory for errors: `desError("OVERDRAFT", "…", { index: 3 })`. */
export function desError(code: ErrorCode, message: string, details: Record<string, unknown> = {}): DesError {
  return new DesError(code, message, details);
}

/** A failed verification check: VERIFICATION_FAILED, "check: message", details.check = check. */
export function checkFailed(check: string, message: string, details: Record<string, unknown> = {}): never {
  throw desError("VERIFICATION_FAILED", `${check}: ${message}`, { check, ...details });
}

export function isDesError(e: unknown, code?: ErrorCode): e is DesError {
  return e instanceof DesError && (code === undefined || e.code === code);
}
